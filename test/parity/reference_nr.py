#!/usr/bin/python3
"""Reference no-reference IQA scores for the parity set: prints {"<file>": {"brisque": x, "niqe": y}, ...}.

BRISQUE: OpenCV contrib's own `cv2.quality.QualityBRISQUE_compute` on the PNG as cv2 reads it (BGR), with the
model and range files from ../shared/models/brisque/.

NIQE: a port of BasicSR's `basicsr/metrics/niqe.py` (`calculate_niqe(img, crop_border=0, input_order='HWC',
convert_to='y')`) together with the helpers it calls: `to_y_channel` (basicsr/metrics/metric_util.py),
`bgr2ycbcr` (basicsr/utils/color_util.py: float32 input stays in [0, 1]) and the MATLAB-style bicubic
`imresize` (basicsr/utils/matlab_functions.py, blob 323cc143, the version that accepts 2-D numpy input).
niqe.py is the current BasicSR master version (Y channel rounded to integers, scale 2 by
`imresize(img / 255., 0.5, antialiasing=True) * 255.`), as ../shared/models/niqe/SOURCE.md describes it; it
was read from a verbatim vendored copy (package r_basicsr) because the XPixelGroup/BasicSR blobs at hand,
0b50532c and cf1e32cd, are older versions that used `cv2.resize(..., INTER_LINEAR)` and no rounding.
Parameters come from BasicSR's own niqe_pris_params.npz. Debian has no NIQE package.

One deliberate difference: BasicSR's imresize runs in torch float32, and its weighted sums (`mv`) round in
whatever order the BLAS accumulates. On flat areas that decides whether the MSCN coefficients are exactly 0
or ±1 ulp, which moves NIQE by percents on images with flat regions (JPEG q10), so the result depends on
the machine. This port accumulates those sums in float64 and stores float32 (what an exact float32 BLAS
would give); `--float32-blas` uses numpy's float32 sgemv instead, to measure that sensitivity.

usage: reference_nr.py DIR [--float32-blas]   (DIR holds manifest.json and the PNGs of make_images.py)
"""
import json
import math
import os
import sys
import warnings

import cv2
import numpy as np
from scipy.ndimage import convolve
from scipy.special import gamma

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "models")
BRISQUE_MODEL = os.path.join(MODELS, "brisque", "brisque_model_live.yml")
BRISQUE_RANGE = os.path.join(MODELS, "brisque", "brisque_range_live.yml")
NIQE_PARAMS = os.path.join(MODELS, "niqe", "niqe_pris_params.npz")

f32 = np.float32


# --- basicsr/utils/color_util.py -------------------------------------------------------------------------
def _convert_input_type_range(img):
    img_type = img.dtype
    img = img.astype(np.float32)
    if img_type == np.float32:
        pass
    elif img_type == np.uint8:
        img /= 255.
    else:
        raise TypeError(f"The img type should be np.float32 or np.uint8, but got {img_type}")
    return img


def _convert_output_type_range(img, dst_type):
    if dst_type not in (np.uint8, np.float32):
        raise TypeError(f"The dst_type should be np.float32 or np.uint8, but got {dst_type}")
    if dst_type == np.uint8:
        img = img.round()
    else:
        img /= 255.
    return img.astype(dst_type)


def bgr2ycbcr(img, y_only=False):
    img_type = img.dtype
    img = _convert_input_type_range(img)
    if y_only:
        out_img = np.dot(img, [24.966, 128.553, 65.481]) + 16.0
    else:
        out_img = np.matmul(
            img, [[24.966, 112.0, -18.214], [128.553, -74.203, -93.786], [65.481, -37.797, 112.0]]) + [16, 128, 128]
    out_img = _convert_output_type_range(out_img, img_type)
    return out_img


# --- basicsr/metrics/metric_util.py ----------------------------------------------------------------------
def reorder_image(img, input_order="HWC"):
    if input_order not in ["HWC", "CHW"]:
        raise ValueError(f"Wrong input_order {input_order}")
    if len(img.shape) == 2:
        img = img[..., None]
    if input_order == "CHW":
        img = img.transpose(1, 2, 0)
    return img


def to_y_channel(img):
    img = img.astype(np.float32) / 255.
    if img.ndim == 3 and img.shape[2] == 3:
        img = bgr2ycbcr(img, y_only=True)
        img = img[..., None]
    return img * 255.


# --- basicsr/utils/matlab_functions.py (torch float32 tensors → numpy float32) ----------------------------
def cubic(x):
    absx = np.abs(x)
    absx2 = absx * absx
    absx3 = absx2 * absx
    return ((f32(1.5) * absx3 - f32(2.5) * absx2 + f32(1)) * (absx <= 1).astype(np.float32) +
            (f32(-0.5) * absx3 + f32(2.5) * absx2 - f32(4) * absx + f32(2)) * ((absx > 1) * (absx <= 2)).astype(np.float32))


def calculate_weights_indices(in_length, out_length, scale, kernel, kernel_width, antialiasing):
    if (scale < 1) and antialiasing:
        kernel_width = kernel_width / scale
    x = np.linspace(1, out_length, out_length).astype(np.float32)
    u = x / f32(scale) + f32(0.5 * (1 - 1 / scale))
    left = np.floor(u - f32(kernel_width / 2))
    p = math.ceil(kernel_width) + 2
    indices = left.reshape(out_length, 1) + np.linspace(0, p - 1, p).astype(np.float32).reshape(1, p)
    distance_to_center = u.reshape(out_length, 1) - indices
    if (scale < 1) and antialiasing:
        weights = f32(scale) * cubic(distance_to_center * f32(scale))
    else:
        weights = cubic(distance_to_center)
    weights_sum = np.sum(weights, 1, dtype=np.float32).reshape(out_length, 1)
    weights = weights / weights_sum
    weights_zero_tmp = np.sum((weights == 0), 0)
    if not math.isclose(weights_zero_tmp[0], 0, rel_tol=1e-6):
        indices = indices[:, 1:p - 1]
        weights = weights[:, 1:p - 1]
    if not math.isclose(weights_zero_tmp[-1], 0, rel_tol=1e-6):
        indices = indices[:, 0:p - 2]
        weights = weights[:, 0:p - 2]
    weights = np.ascontiguousarray(weights)
    indices = np.ascontiguousarray(indices)
    sym_len_s = -indices.min() + 1
    sym_len_e = indices.max() - in_length
    indices = indices + sym_len_s - 1
    return weights, indices, int(sym_len_s), int(sym_len_e)


FLOAT32_BLAS = "--float32-blas" in sys.argv[2:]


def weighted_sum(rows, weights):
    """torch `mv` of a (kernel_width × n)ᵀ block: float64 accumulation unless --float32-blas."""
    if FLOAT32_BLAS:
        return rows.dot(weights)
    return rows.astype(np.float64).dot(weights.astype(np.float64)).astype(np.float32)


def imresize(img, scale, antialiasing=True):
    """2-D float32 input in [0, 1] (BasicSR's squeeze path); returns float32, not rounded."""
    img = img.astype(np.float32)[None, :, :]
    in_c, in_h, in_w = img.shape
    out_h, out_w = math.ceil(in_h * scale), math.ceil(in_w * scale)
    kernel_width = 4
    kernel = "cubic"
    weights_h, indices_h, sym_len_hs, sym_len_he = calculate_weights_indices(in_h, out_h, scale, kernel, kernel_width, antialiasing)
    weights_w, indices_w, sym_len_ws, sym_len_we = calculate_weights_indices(in_w, out_w, scale, kernel, kernel_width, antialiasing)
    # H: symmetric copying, then one weighted sum of kernel_width rows per output row
    img_aug = np.empty((in_c, in_h + sym_len_hs + sym_len_he, in_w), np.float32)
    img_aug[:, sym_len_hs:sym_len_hs + in_h] = img
    img_aug[:, :sym_len_hs] = img[:, :sym_len_hs][:, ::-1]
    img_aug[:, sym_len_hs + in_h:] = img[:, -sym_len_he:][:, ::-1]
    out_1 = np.empty((in_c, out_h, in_w), np.float32)
    kernel_width = weights_h.shape[1]
    for i in range(out_h):
        idx = int(indices_h[i][0])
        for j in range(in_c):
            out_1[j, i, :] = weighted_sum(img_aug[j, idx:idx + kernel_width, :].transpose(1, 0), weights_h[i])
    # W
    out_1_aug = np.empty((in_c, out_h, in_w + sym_len_ws + sym_len_we), np.float32)
    out_1_aug[:, :, sym_len_ws:sym_len_ws + in_w] = out_1
    out_1_aug[:, :, :sym_len_ws] = out_1[:, :, :sym_len_ws][:, :, ::-1]
    out_1_aug[:, :, sym_len_ws + in_w:] = out_1[:, :, -sym_len_we:][:, :, ::-1]
    out_2 = np.empty((in_c, out_h, out_w), np.float32)
    kernel_width = weights_w.shape[1]
    for i in range(out_w):
        idx = int(indices_w[i][0])
        for j in range(in_c):
            out_2[j, :, i] = weighted_sum(out_1_aug[j, :, idx:idx + kernel_width], weights_w[i])
    return out_2[0]


# --- basicsr/metrics/niqe.py -----------------------------------------------------------------------------
def estimate_aggd_param(block):
    block = block.flatten()
    gam = np.arange(0.2, 10.001, 0.001)  # len = 9801
    gam_reciprocal = np.reciprocal(gam)
    r_gam = np.square(gamma(gam_reciprocal * 2)) / (gamma(gam_reciprocal) * gamma(gam_reciprocal * 3))

    left_std = np.sqrt(np.mean(block[block < 0]**2))
    right_std = np.sqrt(np.mean(block[block > 0]**2))
    gammahat = left_std / right_std
    rhat = (np.mean(np.abs(block)))**2 / np.mean(block**2)
    rhatnorm = (rhat * (gammahat**3 + 1) * (gammahat + 1)) / ((gammahat**2 + 1)**2)
    array_position = np.argmin((r_gam - rhatnorm)**2)

    alpha = gam[array_position]
    beta_l = left_std * np.sqrt(gamma(1 / alpha) / gamma(3 / alpha))
    beta_r = right_std * np.sqrt(gamma(1 / alpha) / gamma(3 / alpha))
    return (alpha, beta_l, beta_r)


def compute_feature(block):
    feat = []
    alpha, beta_l, beta_r = estimate_aggd_param(block)
    feat.extend([alpha, (beta_l + beta_r) / 2])
    shifts = [[0, 1], [1, 0], [1, 1], [1, -1]]
    for i in range(len(shifts)):
        shifted_block = np.roll(block, shifts[i], axis=(0, 1))
        alpha, beta_l, beta_r = estimate_aggd_param(block * shifted_block)
        mean = (beta_r - beta_l) * (gamma(2 / alpha) / gamma(1 / alpha))
        feat.extend([alpha, mean, beta_l, beta_r])
    return feat


def niqe(img, mu_pris_param, cov_pris_param, gaussian_window, block_size_h=96, block_size_w=96):
    assert img.ndim == 2
    h, w = img.shape
    num_block_h = math.floor(h / block_size_h)
    num_block_w = math.floor(w / block_size_w)
    img = img[0:num_block_h * block_size_h, 0:num_block_w * block_size_w]

    distparam = []
    for scale in (1, 2):
        mu = convolve(img, gaussian_window, mode="nearest")
        sigma = np.sqrt(np.abs(convolve(np.square(img), gaussian_window, mode="nearest") - np.square(mu)))
        img_nomalized = (img - mu) / (sigma + 1)

        feat = []
        for idx_w in range(num_block_w):
            for idx_h in range(num_block_h):
                block = img_nomalized[idx_h * block_size_h // scale:(idx_h + 1) * block_size_h // scale,
                                      idx_w * block_size_w // scale:(idx_w + 1) * block_size_w // scale]
                feat.append(compute_feature(block))

        distparam.append(np.array(feat))

        if scale == 1:
            img = imresize(img / 255., scale=0.5, antialiasing=True)
            img = img * 255.

    distparam = np.concatenate(distparam, axis=1)
    mu_distparam = np.nanmean(distparam, axis=0)
    distparam_no_nan = distparam[~np.isnan(distparam).any(axis=1)]
    cov_distparam = np.cov(distparam_no_nan, rowvar=False)

    invcov_param = np.linalg.pinv((cov_pris_param + cov_distparam) / 2)
    quality = np.matmul(
        np.matmul((mu_pris_param - mu_distparam), invcov_param), np.transpose((mu_pris_param - mu_distparam)))
    quality = np.sqrt(quality)
    quality = float(np.squeeze(quality))
    return quality


def calculate_niqe(img, crop_border, params, input_order="HWC", convert_to="y"):
    mu_pris_param = params["mu_pris_param"]
    cov_pris_param = params["cov_pris_param"]
    gaussian_window = params["gaussian_window"]

    img = img.astype(np.float32)
    if input_order != "HW":
        img = reorder_image(img, input_order=input_order)
        if convert_to == "y":
            img = to_y_channel(img)
        elif convert_to == "gray":
            img = cv2.cvtColor(img / 255., cv2.COLOR_BGR2GRAY) * 255.
        img = np.squeeze(img)

    if crop_border != 0:
        img = img[crop_border:-crop_border, crop_border:-crop_border]

    # round is necessary for being consistent with MATLAB's result
    img = img.round()
    return niqe(img, mu_pris_param, cov_pris_param, gaussian_window)


def main(folder):
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    params = np.load(NIQE_PARAMS)
    out = {}
    for entry in manifest["images"]:
        bgr = cv2.imread(os.path.join(folder, entry["file"]), cv2.IMREAD_COLOR)
        scores = {"brisque": float(cv2.quality.QualityBRISQUE_compute(bgr, BRISQUE_MODEL, BRISQUE_RANGE)[0])}
        # BasicSR needs one 96×96 block (and two complete ones for np.cov); smaller images get no NIQE entry
        if bgr.shape[0] >= 96 and bgr.shape[1] >= 96:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=RuntimeWarning)  # empty-slice means of flat blocks
                scores["niqe"] = calculate_niqe(bgr, 0, params)
        out[entry["file"]] = scores
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
