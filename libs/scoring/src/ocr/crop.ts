/**
 * Crops and resizes of text regions, after PaddleOCR's `get_rotate_crop_image` (`cv2.getPerspectiveTransform`
 * + `cv2.warpPerspective` with INTER_CUBIC and BORDER_REPLICATE) and its `cv2.resize` (INTER_LINEAR) calls,
 * in OpenCV's own fixed-point arithmetic. Pixels stay packed RGB; the tensors are written in OpenCV's BGR order.
 */
import type { Point, Quad } from './geometry.js';

export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

const f32 = Math.fround;
/** cvRound: to nearest, ties to even (lrint) */
function roundEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
/** numpy's float32 `np.linalg.norm` of a 2-vector */
const norm32 = (a: Point, b: Point) => f32(Math.sqrt(f32(f32((a[0] - b[0]) ** 2) + f32((a[1] - b[1]) ** 2))));

/**
 * PaddleOCR's `get_rotate_crop_image`: the quadrilateral (top-left, top-right, bottom-right, bottom-left)
 * warped onto an upright crop whose width and height are the longer of the opposite edges (truncated).
 * Crops at least 1.5× taller than wide are turned 90° counter-clockwise (`np.rot90`), as PaddleOCR does for
 * vertical text. Null for a crop with no pixels (PaddleOCR's `filter_tag_det_res` keeps none of those).
 */
export function cropQuad(image: RgbImage, quad: Quad): RgbImage | null {
  const [p0, p1, p2, p3] = quad;
  const width = Math.trunc(Math.max(norm32(p0, p1), norm32(p2, p3)));
  const height = Math.trunc(Math.max(norm32(p0, p3), norm32(p1, p2)));
  if (width < 1 || height < 1) return null;
  const m = getPerspectiveTransform(quad, [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ]);
  const crop = warpPerspectiveCubic(image, m, width, height);
  return height / width >= 1.5 ? rotate90ccw(crop) : crop;
}

/**
 * `cv::getPerspectiveTransform` (DECOMP_LU): the 3×3 matrix (row-major) mapping `src[i]` to `dst[i]`, from
 * OpenCV's 8×8 system solved by its Gaussian elimination with partial pivoting, in double precision.
 */
export function getPerspectiveTransform(src: Point[], dst: Point[]): number[] {
  const a = Array.from({ length: 8 }, () => new Array<number>(8).fill(0));
  const b = new Array<number>(8).fill(0);
  for (let i = 0; i < 4; i++) {
    const [sx, sy] = [f32(src[i][0]), f32(src[i][1])];
    const [dx, dy] = [f32(dst[i][0]), f32(dst[i][1])];
    a[i][0] = a[i + 4][3] = sx;
    a[i][1] = a[i + 4][4] = sy;
    a[i][2] = a[i + 4][5] = 1;
    // products of two floats, in float (as OpenCV writes them)
    a[i][6] = f32(-sx * dx);
    a[i][7] = f32(-sy * dx);
    a[i + 4][6] = f32(-sx * dy);
    a[i + 4][7] = f32(-sy * dy);
    b[i] = dx;
    b[i + 4] = dy;
  }
  const m = 8;
  for (let i = 0; i < m; i++) {
    let k = i;
    for (let j = i + 1; j < m; j++) if (Math.abs(a[j][i]) > Math.abs(a[k][i])) k = j;
    if (Math.abs(a[k][i]) < Number.EPSILON * 100) throw new Error('getPerspectiveTransform: degenerate quadrilateral');
    if (k !== i) {
      [a[i], a[k]] = [a[k], a[i]];
      [b[i], b[k]] = [b[k], b[i]];
    }
    const d = -1 / a[i][i];
    for (let j = i + 1; j < m; j++) {
      const alpha = a[j][i] * d;
      for (let c = i + 1; c < m; c++) a[j][c] += alpha * a[i][c];
      b[j] += alpha * b[i];
    }
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let c = i + 1; c < m; c++) s -= a[i][c] * b[c];
    b[i] = s / a[i][i];
  }
  return [...b, 1];
}

/** `cv::invert` of a 3×3 double matrix (DECOMP_LU takes OpenCV's closed form at this size). */
function invert3(m: number[]): number[] {
  const S = (r: number, c: number) => m[r * 3 + c];
  let d =
    S(0, 0) * (S(1, 1) * S(2, 2) - S(1, 2) * S(2, 1)) -
    S(0, 1) * (S(1, 0) * S(2, 2) - S(1, 2) * S(2, 0)) +
    S(0, 2) * (S(1, 0) * S(2, 1) - S(1, 1) * S(2, 0));
  if (d === 0) return new Array<number>(9).fill(0);
  d = 1 / d;
  return [
    (S(1, 1) * S(2, 2) - S(1, 2) * S(2, 1)) * d,
    (S(0, 2) * S(2, 1) - S(0, 1) * S(2, 2)) * d,
    (S(0, 1) * S(1, 2) - S(0, 2) * S(1, 1)) * d,
    (S(1, 2) * S(2, 0) - S(1, 0) * S(2, 2)) * d,
    (S(0, 0) * S(2, 2) - S(0, 2) * S(2, 0)) * d,
    (S(0, 2) * S(1, 0) - S(0, 0) * S(1, 2)) * d,
    (S(1, 0) * S(2, 1) - S(1, 1) * S(2, 0)) * d,
    (S(0, 1) * S(2, 0) - S(0, 0) * S(2, 1)) * d,
    (S(0, 0) * S(1, 1) - S(0, 1) * S(1, 0)) * d,
  ];
}

// warp tables: source positions are quantized to 1/32 pixel, cubic weights are 16-bit fixed point (2^15)
const INTER_BITS = 5;
const INTER_TAB_SIZE = 1 << INTER_BITS;
const COEF_BITS = 15;
let cubicTable: Int16Array | undefined;

/** OpenCV's `interpolateCubic` (A = −0.75), in float. */
function cubicCoeffs(x: number): number[] {
  const A = -0.75;
  const x1 = f32(x + 1);
  const c0 = f32(f32(f32(f32(f32(f32(A * x1) - f32(5 * A)) * x1) + f32(8 * A)) * x1) - f32(4 * A));
  const c1 = f32(f32(f32(f32(f32(f32(A + 2) * x) - f32(A + 3)) * x) * x) + 1);
  const y = f32(1 - x);
  const c2 = f32(f32(f32(f32(f32(f32(A + 2) * y) - f32(A + 3)) * y) * y) + 1);
  return [c0, c1, c2, f32(f32(f32(1 - c0) - c1) - c2)];
}

/** OpenCV's `initInterTab2D(INTER_CUBIC, fixpt = true)`: 32×32 fractional positions × 4×4 weights summing to 2^15. */
function cubicTab(): Int16Array {
  if (cubicTable) return cubicTable;
  const scale = f32(1 / INTER_TAB_SIZE);
  const tab1 = Array.from({ length: INTER_TAB_SIZE }, (_, i) => cubicCoeffs(f32(i * scale)));
  const tab = new Int16Array(INTER_TAB_SIZE * INTER_TAB_SIZE * 16);
  for (let i = 0; i < INTER_TAB_SIZE; i++) {
    for (let j = 0; j < INTER_TAB_SIZE; j++) {
      const it = (i * INTER_TAB_SIZE + j) * 16;
      let isum = 0;
      for (let k1 = 0; k1 < 4; k1++) {
        for (let k2 = 0; k2 < 4; k2++) {
          const v = f32(tab1[i][k1] * tab1[j][k2]);
          const w = Math.max(-32768, Math.min(32767, roundEven(f32(v * (1 << COEF_BITS)))));
          tab[it + k1 * 4 + k2] = w;
          isum += w;
        }
      }
      if (isum !== 1 << COEF_BITS) {
        // OpenCV puts the rounding error on the largest (or smallest) of weights [2..3]×[2..3]
        const diff = isum - (1 << COEF_BITS);
        let [Mk1, Mk2, mk1, mk2] = [2, 2, 2, 2];
        for (let k1 = 2; k1 < 4; k1++) {
          for (let k2 = 2; k2 < 4; k2++) {
            if (tab[it + k1 * 4 + k2] < tab[it + mk1 * 4 + mk2]) [mk1, mk2] = [k1, k2];
            else if (tab[it + k1 * 4 + k2] > tab[it + Mk1 * 4 + Mk2]) [Mk1, Mk2] = [k1, k2];
          }
        }
        if (diff < 0) tab[it + Mk1 * 4 + Mk2] -= diff;
        else tab[it + mk1 * 4 + mk2] -= diff;
      }
    }
  }
  cubicTable = tab;
  return tab;
}

/**
 * `cv2.warpPerspective(img, M, (width, height), flags=INTER_CUBIC, borderMode=BORDER_REPLICATE)` on 8-bit RGB:
 * the inverse map evaluated per destination pixel in double precision (in OpenCV's blocks of columns),
 * quantized to 1/32 pixel, then 4×4 cubic weights in 2^15 fixed point with replicated borders.
 */
export function warpPerspectiveCubic(img: RgbImage, M: number[], width: number, height: number): RgbImage {
  const m = invert3(M);
  const tab = cubicTab();
  const out = new Uint8Array(width * height * 3);
  const src = img.rgb;
  const W = img.width;
  const H = img.height;
  const xs = new Int32Array(4);
  const ys = new Int32Array(4);
  // OpenCV evaluates the map in blocks of at most 16 rows × 1024/rows columns: X0 at the block's first
  // column, then + M[0]·x1 (rows are exact either way)
  const bw0 = Math.min(Math.trunc(1024 / Math.min(16, height)), width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x += bw0) {
      const bw = Math.min(bw0, width - x);
      const X0 = m[0] * x + m[1] * y + m[2];
      const Y0 = m[3] * x + m[4] * y + m[5];
      const W0 = m[6] * x + m[7] * y + m[8];
      for (let x1 = 0; x1 < bw; x1++) {
        let w = W0 + m[6] * x1;
        w = w ? INTER_TAB_SIZE / w : 0;
        const X = roundEven(Math.max(-2147483648, Math.min(2147483647, (X0 + m[0] * x1) * w)));
        const Y = roundEven(Math.max(-2147483648, Math.min(2147483647, (Y0 + m[3] * x1) * w)));
        const sx = Math.max(-32768, Math.min(32767, X >> INTER_BITS)) - 1;
        const sy = Math.max(-32768, Math.min(32767, Y >> INTER_BITS)) - 1;
        const t = ((Y & (INTER_TAB_SIZE - 1)) * INTER_TAB_SIZE + (X & (INTER_TAB_SIZE - 1))) * 16;
        for (let i = 0; i < 4; i++) {
          xs[i] = Math.min(Math.max(sx + i, 0), W - 1) * 3;
          ys[i] = Math.min(Math.max(sy + i, 0), H - 1) * W * 3;
        }
        const d = (y * width + x + x1) * 3;
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let i = 0; i < 4; i++) {
            const row = ys[i] + c;
            sum +=
              src[row + xs[0]] * tab[t + i * 4] +
              src[row + xs[1]] * tab[t + i * 4 + 1] +
              src[row + xs[2]] * tab[t + i * 4 + 2] +
              src[row + xs[3]] * tab[t + i * 4 + 3];
          }
          const v = (sum + (1 << (COEF_BITS - 1))) >> COEF_BITS;
          out[d + c] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
    }
  }
  return { width, height, rgb: out };
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
