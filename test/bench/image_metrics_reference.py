#!/usr/bin/python3
"""Times the reference implementations on the benchmark images (argv[1]/manifest.json), one thread:
scikit-image SSIM and PSNR, OpenCV's BRISQUE. Prints {size: {name: median ms}} as JSON.
usage: image_metrics_reference.py DIR ROUNDS BRISQUE_MODEL BRISQUE_RANGE
"""
import json
import os
import statistics
import sys
import time

import cv2
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

cv2.setNumThreads(1)


def median_ms(fn, rounds):
    fn()  # warm-up
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(folder, rounds, model, rng):
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    out = {}
    for size, files in manifest.items():
        img = cv2.cvtColor(cv2.imread(os.path.join(folder, files["image"])), cv2.COLOR_BGR2RGB)
        ref = cv2.cvtColor(cv2.imread(os.path.join(folder, files["reference"])), cv2.COLOR_BGR2RGB)
        bgr = cv2.imread(os.path.join(folder, files["image"]))
        out[size] = {
            "ssim": median_ms(lambda: structural_similarity(ref, img, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                                                            data_range=255, channel_axis=2), rounds),
            "psnr": median_ms(lambda: peak_signal_noise_ratio(ref, img, data_range=255), rounds),
            "brisque": median_ms(lambda: cv2.quality.QualityBRISQUE_compute(bgr, model, rng), rounds),
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
