/**
 * Crops and resizes of text regions, after PaddleOCR's `get_rotate_crop_image` and its `cv2.resize`
 * (INTER_LINEAR) calls. Pixels stay packed RGB; the tensors are written in OpenCV's BGR order.
 */
import type { TextBox } from './db-postprocess.js';

export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** PaddleOCR's `filter_tag_det_res` drops boxes this thin or thinner (pixels) before recognition. */
export const MIN_CROP_SIDE = 3;

/**
 * The box's pixels. Our boxes are axis-aligned with integer corners, so PaddleOCR's perspective warp is a
 * plain copy. Crops at least 1.5× taller than wide are turned 90° counter-clockwise (`np.rot90`), as
 * PaddleOCR does for vertical text. Null for boxes PaddleOCR would drop.
 */
export function cropBox(image: RgbImage, box: Pick<TextBox, 'x' | 'y' | 'width' | 'height'>): RgbImage | null {
  const x0 = Math.max(0, Math.min(image.width, box.x));
  const y0 = Math.max(0, Math.min(image.height, box.y));
  const w = Math.min(image.width, box.x + box.width) - x0;
  const h = Math.min(image.height, box.y + box.height) - y0;
  if (w <= MIN_CROP_SIDE || h <= MIN_CROP_SIDE) return null;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * image.width + x0) * 3;
    rgb.set(image.rgb.subarray(from, from + w * 3), y * w * 3);
  }
  const crop = { width: w, height: h, rgb };
  return h / w >= 1.5 ? rotate90ccw(crop) : crop;
}

/** `np.rot90(img)`: out[i][j] = in[j][W − 1 − i]. */
export function rotate90ccw(img: RgbImage): RgbImage {
  const { width: w, height: h } = img;
  const out = new Uint8Array(w * h * 3);
  for (let i = 0; i < w; i++) {
    for (let j = 0; j < h; j++) {
      const s = (j * w + (w - 1 - i)) * 3;
      const d = (i * h + j) * 3;
      out[d] = img.rgb[s];
      out[d + 1] = img.rgb[s + 1];
      out[d + 2] = img.rgb[s + 2];
    }
  }
  return { width: h, height: w, rgb: out };
}

/** `cv2.rotate(img, ROTATE_180)`. */
export function rotate180(img: RgbImage): RgbImage {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const s = (n - 1 - i) * 3;
    out[i * 3] = img.rgb[s];
    out[i * 3 + 1] = img.rgb[s + 1];
    out[i * 3 + 2] = img.rgb[s + 2];
  }
  return { width: img.width, height: img.height, rgb: out };
}

// OpenCV's uint8 INTER_LINEAR works in fixed point: weights scaled by 2^11 and rounded (as 16-bit ints).
const COEF_SCALE = 2048;
const f32 = Math.fround;
/** cvRound: to nearest, ties to even (lrint) */
function roundEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Source taps and fixed-point weights along one axis: half-pixel centres, edges clamped, no antialiasing. */
function linearTaps(src: number, dst: number): { i0: Int32Array; i1: Int32Array; w0: Int32Array; w1: Int32Array } {
  const i0 = new Int32Array(dst);
  const i1 = new Int32Array(dst);
  const w0 = new Int32Array(dst);
  const w1 = new Int32Array(dst);
  const scale = 1 / (dst / src); // as OpenCV derives it from inv_scale
  for (let d = 0; d < dst; d++) {
    const f = f32((d + 0.5) * scale - 0.5); // OpenCV computes the position in single precision
    let s = Math.floor(f);
    let t = f32(f - s);
    if (s < 0) {
      s = 0;
      t = 0;
    }
    if (s >= src - 1) {
      s = src - 1;
      t = 0;
    }
    i0[d] = s;
    i1[d] = Math.min(s + 1, src - 1);
    w0[d] = roundEven(f32(1 - t) * COEF_SCALE);
    w1[d] = roundEven(t * COEF_SCALE);
  }
  return { i0, i1, w0, w1 };
}

/**
 * `cv2.resize(img, (width, height))` with the default INTER_LINEAR on 8-bit pixels, in OpenCV's fixed-point
 * arithmetic (horizontal pass, then the vertical pass of `VResizeLinear<uchar, int, short>`), so the
 * pixels equal OpenCV's.
 */
export function resizeLinear(img: RgbImage, width: number, height: number): RgbImage {
  const xs = linearTaps(img.width, width);
  const out = new Uint8Array(width * height * 3);
  const src = img.rgb;
  const rowStride = img.width * 3;
  const rows = [new Int32Array(width * 3), new Int32Array(width * 3)];
  const horizontal = (sy: number, row: Int32Array) => {
    const r = sy * rowStride;
    for (let x = 0; x < width; x++) {
      const c0 = r + xs.i0[x] * 3;
      const c1 = r + xs.i1[x] * 3;
      for (let c = 0; c < 3; c++) row[x * 3 + c] = src[c0 + c] * xs.w0[x] + src[c1 + c] * xs.w1[x];
    }
  };
  for (let y = 0; y < height; y++) {
    // OpenCV clamps source rows rather than weights at the top and bottom edges
    const f = f32((y + 0.5) * (1 / (height / img.height)) - 0.5);
    const sy = Math.floor(f);
    const t = f32(f - sy);
    const b0 = roundEven(f32(1 - t) * COEF_SCALE);
    const b1 = roundEven(t * COEF_SCALE);
    horizontal(Math.min(Math.max(sy, 0), img.height - 1), rows[0]);
    horizontal(Math.min(Math.max(sy + 1, 0), img.height - 1), rows[1]);
    const d = y * width * 3;
    for (let i = 0; i < width * 3; i++) {
      const v = (((b0 * (rows[0][i] >> 4)) >> 16) + ((b1 * (rows[1][i] >> 4)) >> 16) + 2) >> 2;
      out[d + i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { width, height, rgb: out };
}

/**
 * PaddleOCR's `resize_norm_img` for the classifier and the recognizer: resize to `height` keeping the aspect
 * ratio (width ⌈height·w/h⌉, at most `slotWidth`), scale to [−1, 1] ((x/255 − 0.5)/0.5), BGR planes, and
 * leave the rest of the `slotWidth` columns 0 (the padding PaddleOCR adds after normalizing). Writes sample
 * `index` of an N×3×height×slotWidth tensor.
 */
export function writeNormalized(tensor: Float32Array, index: number, img: RgbImage, height: number, slotWidth: number): void {
  const resizedW = Math.min(slotWidth, Math.ceil((height * img.width) / img.height));
  const resized = resizeLinear(img, resizedW, height);
  const plane = height * slotWidth;
  const base = index * 3 * plane;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < resizedW; x++) {
      const s = (y * resizedW + x) * 3;
      const d = y * slotWidth + x;
      for (let c = 0; c < 3; c++) tensor[base + c * plane + d] = (resized.rgb[s + 2 - c] / 255 - 0.5) / 0.5; // BGR
    }
  }
}
