#!/usr/bin/python3
"""Reference values for the full-reference and formula metrics on the parity image set in argv[1]
(written by make_images.py). Prints one JSON object {file: {metric: value}} on stdout.

References (Debian bookworm packages, run with /usr/bin/python3):
- PSNR: skimage.metrics.peak_signal_noise_ratio(ref, img, data_range=255) on RGB (scikit-image 0.19)
- SSIM: skimage.metrics.structural_similarity(ref, img, gaussian_weights=True, sigma=1.5,
        use_sample_covariance=False, data_range=255, channel_axis=2)
- MS-SSIM: no Debian package has it; msssim() below composes it from the same scikit-image SSIM
  formula (Wang et al. 2003: 5 scales, standard weights, 2×2 average pooling, negative terms clamped)
- sharpness: cv2.Laplacian(gray, cv2.CV_64F).var() with gray = cv2.cvtColor(BGR2GRAY) (OpenCV 4.6)
- the other formula metrics: the published formulas in numpy/scipy, on the same OpenCV gray image
"""
import json
import os
import sys

import cv2
import numpy as np
from scipy.ndimage import gaussian_filter
from scipy.signal import convolve2d
from skimage.measure import shannon_entropy
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

WEIGHTS = np.array([0.0448, 0.2856, 0.3001, 0.2363, 0.1333])
C1 = (0.01 * 255) ** 2
C2 = (0.03 * 255) ** 2


def ssim_parts(x, y):
    """scikit-image's SSIM map for one channel (same filter, constants and 5-pixel crop), plus its CS term."""
    f = dict(sigma=1.5, truncate=3.5)
    ux, uy = gaussian_filter(x, **f), gaussian_filter(y, **f)
    vx = gaussian_filter(x * x, **f) - ux * ux
    vy = gaussian_filter(y * y, **f) - uy * uy
    vxy = gaussian_filter(x * y, **f) - ux * uy
    cs = (2 * vxy + C2) / (vx + vy + C2)
    s = (2 * ux * uy + C1) / (ux * ux + uy * uy + C1) * cs
    crop = (slice(5, -5), slice(5, -5))
    return s[crop].mean(dtype=np.float64), cs[crop].mean(dtype=np.float64)


def pool2(p):
    h, w = p.shape[0] // 2 * 2, p.shape[1] // 2 * 2
    p = p[:h, :w]
    return 0.25 * (p[0::2, 0::2] + p[0::2, 1::2] + p[1::2, 0::2] + p[1::2, 1::2])


def msssim(ref, img):
    out = []
    for ch in range(3):
        x, y = ref[..., ch].astype(np.float64), img[..., ch].astype(np.float64)
        value = 1.0
        for j, w in enumerate(WEIGHTS):
            s, cs = ssim_parts(x, y)
            value *= max(0.0, s if j == len(WEIGHTS) - 1 else cs) ** w
            x, y = pool2(x), pool2(y)
        out.append(value)
    return float(np.mean(out))


def formula_metrics(rgb, gray):
    g = gray.astype(np.float64)
    r, gg, b = (rgb[..., i].astype(np.float64) for i in range(3))
    rg, yb = r - gg, 0.5 * (r + gg) - b
    colorfulness = np.sqrt(rg.std() ** 2 + yb.std() ** 2) + 0.3 * np.sqrt(rg.mean() ** 2 + yb.mean() ** 2)
    h, w = g.shape
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float64)
    sigma = np.sqrt(np.pi / 2) * np.abs(convolve2d(g, kernel, mode="valid")).sum() / (6 * (w - 2) * (h - 2))
    dh, dv = np.abs(np.diff(g, axis=1)), np.abs(np.diff(g, axis=0))
    hb, vb = (np.arange(w - 1) + 1) % 8 == 0, (np.arange(h - 1) + 1) % 8 == 0
    boundary = np.concatenate([dh[:, hb].ravel(), dv[vb, :].ravel()])
    inner = np.concatenate([dh[:, ~hb].ravel(), dv[~vb, :].ravel()])
    return {
        "sharpness.laplacian_variance": float(cv2.Laplacian(gray, cv2.CV_64F).var()),
        "colorfulness.colorfulness": float(colorfulness),
        "exposure.highlight_clip_ratio": float((gray >= 250).mean()),
        "exposure.shadow_clip_ratio": float((gray <= 5).mean()),
        "exposure.mean_luma": float(g.mean() / 255),
        "noise.sigma": float(sigma),
        "blockiness.ratio": float((boundary.mean() + 0.01) / (inner.mean() + 0.01)),
        "contrast.rms": float(g.std() / 255),
        "contrast.entropy": float(shannon_entropy(gray, base=2)),
    }


def main(folder):
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    out = {}
    for entry in manifest["images"]:
        bgr = cv2.imread(os.path.join(folder, entry["file"]), cv2.IMREAD_COLOR)
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        values = formula_metrics(rgb, cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY))
        if entry["variant"] != "original":
            ref = cv2.cvtColor(cv2.imread(os.path.join(folder, entry["reference"]), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
            values["psnr.psnr"] = float(peak_signal_noise_ratio(ref, rgb, data_range=255))
            values["ssim.ssim"] = float(structural_similarity(ref, rgb, gaussian_weights=True, sigma=1.5,
                                                              use_sample_covariance=False, data_range=255, channel_axis=2))
            values["ms_ssim.ms_ssim"] = msssim(ref, rgb)
        out[entry["file"]] = values
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
