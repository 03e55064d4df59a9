"""Reference values for @assay/distribution (test/parity/distribution.parity.test.ts).

Reads the embedding sets the test wrote (float64, row-major) and the KID subset indices it drew, and prints
one JSON object: per case, FD as pytorch-fid / clean-fid compute it (scipy.linalg.sqrtm of sigma1 @ sigma2,
the eps * I retry when the product is singular, the real part kept), FD by a symmetric route (eigh of
sqrt(S1) S2 sqrt(S1)), KID per clean-fid's kernel_distance on the given subsets (mean; std as torch-fidelity,
ddof 0), CMMD as google-research/cmmd distance.py (biased, sigma 10, x1000; in float64 here), and PRDC as
clovaai/generative-evaluation-prdc (k = 5).

Usage: distribution_reference.py <dir>   (reads <dir>/cases.json)
"""
import json
import sys

import numpy as np
import scipy
import scipy.linalg


def fd_sqrtm(mu1, s1, mu2, s2, eps=1e-6):
    # pytorch-fid's calculate_frechet_distance, transcribed
    diff = mu1 - mu2
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    offset_used = False
    if not np.isfinite(covmean).all():
        offset = np.eye(s1.shape[0]) * eps
        covmean = scipy.linalg.sqrtm((s1 + offset).dot(s2 + offset))
        offset_used = True
    imag = float(np.max(np.abs(covmean.imag))) if np.iscomplexobj(covmean) else 0.0
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)), imag, offset_used


def fd_eigh(mu1, s1, mu2, s2):
    w, v = scipy.linalg.eigh(s1)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    lam = scipy.linalg.eigvalsh(root @ s2 @ root)
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.sum(np.sqrt(np.clip(lam, 0, None))))


def kid(x, y, subsets):
    # clean-fid kernel_distance with the subsets given instead of drawn: x from feats2 (here y), as clean-fid
    d = x.shape[1]
    values = []
    for xs, ys in subsets:
        a_ = y[ys]
        b_ = x[xs]
        m = len(xs)
        a = (a_ @ a_.T / d + 1) ** 3 + (b_ @ b_.T / d + 1) ** 3
        b = (a_ @ b_.T / d + 1) ** 3
        t = (a.sum() - np.diag(a).sum()) / (m - 1) - b.sum() * 2 / m
        values.append(t / m)
    return float(np.mean(values)), float(np.std(values))


def cmmd(x, y, sigma=10, scale=1000):
    x_sq = np.diag(x @ x.T)
    y_sq = np.diag(y @ y.T)
    gamma = 1 / (2 * sigma**2)
    k_xx = np.mean(np.exp(-gamma * (-2 * (x @ x.T) + x_sq[:, None] + x_sq[None, :])))
    k_xy = np.mean(np.exp(-gamma * (-2 * (x @ y.T) + x_sq[:, None] + y_sq[None, :])))
    k_yy = np.mean(np.exp(-gamma * (-2 * (y @ y.T) + y_sq[:, None] + y_sq[None, :])))
    return float(scale * (k_xx + k_yy - 2 * k_xy))


def pairwise(a, b, same):
    # scikit-learn's euclidean_distances: sqrt(max(|a|^2 - 2 a.b + |b|^2, 0)), the diagonal zeroed for X is Y
    d2 = (a * a).sum(1)[:, None] - 2 * a @ b.T + (b * b).sum(1)[None, :]
    d = np.sqrt(np.maximum(d2, 0))
    if same:
        np.fill_diagonal(d, 0)
    return d


def radii(feats, k):
    d = pairwise(feats, feats, True)
    idx = np.argpartition(d, k + 1, axis=-1)[..., : k + 1]
    return np.take_along_axis(d, idx, axis=-1).max(axis=-1)


def prdc(real, fake, k=5):
    rr = radii(real, k)
    fr = radii(fake, k)
    drf = pairwise(real, fake, False)
    precision = (drf < np.expand_dims(rr, axis=1)).any(axis=0).mean()
    recall = (drf < np.expand_dims(fr, axis=0)).any(axis=1).mean()
    density = (1.0 / float(k)) * (drf < np.expand_dims(rr, axis=1)).sum(axis=0).mean()
    coverage = (drf.min(axis=1) < rr).mean()
    return dict(precision=float(precision), recall=float(recall), density=float(density), coverage=float(coverage))


def main():
    root = sys.argv[1]
    cases = json.load(open(f"{root}/cases.json"))
    out = {"versions": {"numpy": np.__version__, "scipy": scipy.__version__}, "cases": []}
    for c in cases:
        d = c["d"]
        x = np.fromfile(f"{root}/{c['x']}", dtype="<f8").reshape(-1, d)
        y = np.fromfile(f"{root}/{c['y']}", dtype="<f8").reshape(-1, d)
        mu1, mu2 = x.mean(0), y.mean(0)
        s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
        fd, imag, offset = fd_sqrtm(mu1, s1, mu2, s2)
        r = {"name": c["name"], "fd_sqrtm": fd, "sqrtm_max_imag": imag, "sqrtm_offset": offset, "fd_eigh": fd_eigh(mu1, s1, mu2, s2)}
        if c.get("subsets"):
            idx = np.fromfile(f"{root}/{c['subsets']}", dtype="<i4").reshape(-1, 2, c["m"])
            r["kid"] = kid(x, y, [(s[0], s[1]) for s in idx])
            r["cmmd"] = cmmd(x, y)
            r["prdc"] = prdc(x, y)
        out["cases"].append(r)
    json.dump(out, sys.stdout)


main()
