#!/usr/bin/python3
"""Writes the parity image set into OUT: real photographs from Debian's opencv-doc package and degraded
versions of each (Gaussian blur, Gaussian noise, JPEG quality 10, down- and up-scaling), all saved as PNG
so the TypeScript side and the reference implementations read exactly the same pixels (JPEG decoders
differ; a lossless file does not). Deterministic. Run with Debian's python3 (python3-opencv, numpy).

usage: make_images.py OUT
"""
import json
import os
import sys

import cv2
import numpy as np

DATA = "/usr/share/doc/opencv-doc/examples/data"
# Natural photographs (plus rubberwhale1.png, the colour image of OpenCV's own BRISQUE test).
SOURCES = [
    "baboon.jpg",
    "fruits.jpg",
    "butterfly.jpg",
    "home.jpg",
    "building.jpg",
    "messi5.jpg",
    "leuvenA.jpg",
    "rubberwhale1.png",
    "aloeL.jpg",
]


def variants(bgr, rng):
    h, w = bgr.shape[:2]
    noisy = np.clip(bgr.astype(np.float64) + rng.normal(0.0, 15.0, bgr.shape), 0, 255).round().astype(np.uint8)
    _, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 10])
    small = cv2.resize(bgr, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    return {
        "original": bgr,
        "blur": cv2.GaussianBlur(bgr, (0, 0), 2.0),
        "noise": noisy,
        "jpeg10": cv2.imdecode(jpeg, cv2.IMREAD_COLOR),
        "resize": cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR),
    }


def main(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261127)
    images = []
    for src in SOURCES:
        bgr = cv2.imread(os.path.join(DATA, src), cv2.IMREAD_COLOR)
        if bgr is None:
            sys.exit(f"cannot read {src} from {DATA} (apt-get install opencv-doc)")
        name = os.path.splitext(src)[0]
        for variant, img in variants(bgr, rng).items():
            file = f"{name}__{variant}.png"
            cv2.imwrite(os.path.join(out, file), img)
            images.append({"file": file, "source": src, "variant": variant, "reference": f"{name}__original.png",
                           "width": int(img.shape[1]), "height": int(img.shape[0])})
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"opencv": cv2.__version__, "numpy": np.__version__, "images": images}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
