#!/usr/bin/env python3
"""Colour-tagged photographs and their reference scores: python colour_profile_reference.py OUT_DIR

Writes JPEGs of opencv-doc photographs whose pixels were converted from sRGB into another RGB space with
LittleCMS (Pillow's ImageCms, relative colorimetric) and tagged with that space's ICC profile, as a camera or
editor set to Adobe RGB writes them: icc-profiles-free's compatibleWithAdobeRGB1998.icc and LStar-RGB.icc.
Prints {"<file>": {...}} with, per file, BRISQUE (OpenCV contrib's QualityBRISQUE_compute, models from
../shared/models/brisque/) and sharpness (cv2.Laplacian(gray, CV_64F).var()) computed
- "converted": on the pixels converted back to sRGB with LittleCMS (what a colour-managed viewer shows);
- "untagged": on the pixels as cv2.imread reads them, the profile ignored (what OpenCV alone computes).
"""
import io
import json
import os
import sys

import cv2
import numpy as np
from PIL import Image, ImageCms

PHOTOS = "/usr/share/doc/opencv-doc/examples/data"
PROFILES = "/usr/share/color/icc"
MODELS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "models")
BRISQUE_MODEL = os.path.join(MODELS, "brisque", "brisque_model_live.yml")
BRISQUE_RANGE = os.path.join(MODELS, "brisque", "brisque_range_live.yml")
CASES = [
    ("fruits.jpg", "compatibleWithAdobeRGB1998.icc"),
    ("baboon.jpg", "compatibleWithAdobeRGB1998.icc"),
    ("building.jpg", "compatibleWithAdobeRGB1998.icc"),
    ("HappyFish.jpg", "compatibleWithAdobeRGB1998.icc"),
    ("butterfly.jpg", "LStar-RGB.icc"),
    ("aloeL.jpg", "LStar-RGB.icc"),
]
INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC


def scores(bgr):
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    return {
        "brisque": float(cv2.quality.QualityBRISQUE_compute(bgr, BRISQUE_MODEL, BRISQUE_RANGE)[0]),
        "sharpness": float(cv2.Laplacian(gray, cv2.CV_64F).var()),
    }


def main(out_dir):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    out = {}
    for photo, profile_file in CASES:
        target = ImageCms.getOpenProfile(os.path.join(PROFILES, profile_file))
        source = Image.open(os.path.join(PHOTOS, photo)).convert("RGB")
        tagged = ImageCms.profileToProfile(source, srgb, target, renderingIntent=INTENT, outputMode="RGB")
        name = f"{os.path.splitext(photo)[0]}-{os.path.splitext(profile_file)[0]}.jpg"
        path = os.path.join(out_dir, name)
        tagged.save(path, quality=95, icc_profile=target.tobytes())

        reread = Image.open(path)
        embedded = ImageCms.ImageCmsProfile(io.BytesIO(reread.info["icc_profile"]))
        converted = ImageCms.profileToProfile(reread, embedded, srgb, renderingIntent=INTENT, outputMode="RGB")
        out[name] = {
            "profile": ImageCms.getProfileDescription(embedded).strip(),
            "converted": scores(cv2.cvtColor(np.asarray(converted), cv2.COLOR_RGB2BGR)),
            "untagged": scores(cv2.imread(path, cv2.IMREAD_COLOR)),
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
