"""SciPy/NumPy side of `npm run bench:distribution`: the same embeddings and samples, timed in Python.

Usage: distribution_reference.py <dir> <n> <d> <m> <rounds> <eig_n>
Reads <dir>/x.f32, <dir>/y.f32 (n x d), <dir>/xs.f32, <dir>/ys.f32 (m x d samples), <dir>/eig.f64 (eig_n^2).
Prints one JSON object of medians in ms.
"""
import json
import sys
import time

import numpy as np
import scipy
import scipy.linalg

root, n, d, m, rounds, eig_n = sys.argv[1], *map(int, sys.argv[2:])
x = np.fromfile(f"{root}/x.f32", dtype="<f4").reshape(n, d).astype(np.float64)
y = np.fromfile(f"{root}/y.f32", dtype="<f4").reshape(n, d).astype(np.float64)
xs = np.fromfile(f"{root}/xs.f32", dtype="<f4").reshape(m, d).astype(np.float64)
ys = np.fromfile(f"{root}/ys.f32", dtype="<f4").reshape(m, d).astype(np.float64)
eig = np.fromfile(f"{root}/eig.f64", dtype="<f8").reshape(eig_n, eig_n)


def timed(fn):
    times = []
    out = None
    for _ in range(rounds):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times)), out


def moments():
    return x.mean(0), np.cov(x, rowvar=False), y.mean(0), np.cov(y, rowvar=False)


def fd_sqrtm(mu1, s1, mu2, s2):
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean.real))


def fd_eigh(mu1, s1, mu2, s2):
    w, v = scipy.linalg.eigh(s1)
    root_ = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    lam = scipy.linalg.eigvalsh(root_ @ s2 @ root_)
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.sum(np.sqrt(np.clip(lam, 0, None))))


def kid():
    rng = np.random.default_rng(1)
    k = min(m, 1000)
    t = 0.0
    for _ in range(100):
        a_ = ys[rng.choice(m, k, replace=False)]
        b_ = xs[rng.choice(m, k, replace=False)]
        a = (a_ @ a_.T / d + 1) ** 3 + (b_ @ b_.T / d + 1) ** 3
        b = (a_ @ b_.T / d + 1) ** 3
        t += (a.sum() - np.diag(a).sum()) / (k - 1) - b.sum() * 2 / k
    return t / 100 / k


def cmmd():
    gamma = 1 / 200
    xn, yn = (xs * xs).sum(1), (ys * ys).sum(1)
    kxx = np.mean(np.exp(-gamma * (-2 * xs @ xs.T + xn[:, None] + xn[None, :])))
    kyy = np.mean(np.exp(-gamma * (-2 * ys @ ys.T + yn[:, None] + yn[None, :])))
    kxy = np.mean(np.exp(-gamma * (-2 * xs @ ys.T + xn[:, None] + yn[None, :])))
    return 1000 * (kxx + kyy - 2 * kxy)


def prdc(k=5):
    def dist(a, b):
        return np.sqrt(np.maximum((a * a).sum(1)[:, None] - 2 * a @ b.T + (b * b).sum(1)[None, :], 0))

    def radii(f):
        dd = dist(f, f)
        return np.take_along_axis(dd, np.argpartition(dd, k + 1, axis=-1)[..., : k + 1], axis=-1).max(-1)

    rr, fr, drf = radii(xs), radii(ys), dist(xs, ys)
    return ((drf < rr[:, None]).any(0).mean(), (drf < fr[None, :]).any(1).mean())


ms_moments, mom = timed(moments)
ms_sqrtm, fd1 = timed(lambda: fd_sqrtm(*mom))
ms_eigh, fd2 = timed(lambda: fd_eigh(*mom))
ms_kid, _ = timed(kid)
ms_cmmd, _ = timed(cmmd)
ms_prdc, _ = timed(prdc)
ms_eigvalsh, _ = timed(lambda: scipy.linalg.eigvalsh(eig))
ms_eig_full, _ = timed(lambda: scipy.linalg.eigh(eig))
print(json.dumps(dict(
    versions=dict(numpy=np.__version__, scipy=scipy.__version__),
    moments=ms_moments, fd_sqrtm=ms_sqrtm, fd_eigh=ms_eigh, fd_value=fd1, fd_eigh_value=fd2,
    kid=ms_kid, cmmd=ms_cmmd, prdc=ms_prdc, eigvalsh=ms_eigvalsh, eigh=ms_eig_full,
)))
