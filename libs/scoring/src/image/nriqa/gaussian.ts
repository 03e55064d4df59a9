/**
 * The 7×7 Gaussian (σ = 7/6) both metrics smooth with, and the two ways they apply it: OpenCV's float32
 * `GaussianBlur` (BRISQUE) and SciPy's `ndimage.convolve(..., mode='nearest')` on float32 (NIQE). Both are
 * separable and use replicated borders; they differ only in where the arithmetic rounds.
 */
const f = Math.fround;

export const MSCN_SIGMA = 7 / 6;

/** Normalised 7-tap kernel as OpenCV's `getGaussianKernel(7, σ)` builds it: exp(-x²/2σ²) times 1/Σ. */
export function gaussian7(sigma = MSCN_SIGMA): Float64Array {
  const scale2X = -0.5 / (sigma * sigma);
  const half = [-3, -2, -1].map((x) => Math.exp(scale2X * (x * x)));
  const inv = 1 / (2 * (half[0] + half[1] + half[2]) + 1);
  const k = new Float64Array(7);
  for (let i = 0; i < 3; i++) k[i] = k[6 - i] = half[i] * inv;
  k[3] = inv;
  return k;
}

/**
 * OpenCV 4.x `GaussianBlur(·, 7×7, σ, BORDER_REPLICATE)` on CV_32F of `src` and of `fround(src²)`, handed
 * row by row to `emit(y, mu, blurSq)`. Bit for bit on x86-64 with FMA (checked against OpenCV 4.6.0): the
 * row filter is an FMA chain over the taps from 0, the symmetric column filter starts at centre·k₀ and
 * FMA-adds k_i·(up_i + down_i). A 1-pixel-wide (or -high) image is not filtered along that axis, as
 * OpenCV shrinks the kernel to 1 there.
 */
export function blurPairOpenCv32(
  src: Float32Array,
  w: number,
  h: number,
  kernel: Float32Array,
  emit: (y: number, mu: Float32Array, blurSq: Float32Array) => void,
): void {
  const [k0, k1, k2, k3, k4, k5, k6] = kernel;
  const n = w * h;
  const rowMu = new Float32Array(n);
  const rowSq = new Float32Array(n);
  if (w > 1) {
    const pad = new Float32Array(w + 6);
    const padSq = new Float32Array(w + 6);
    for (let y = 0; y < h; y++) {
      const o = y * w;
      for (let x = 0; x < w + 6; x++) {
        const v = src[o + Math.min(w - 1, Math.max(0, x - 3))];
        pad[x] = v;
        padSq[x] = f(v * v);
      }
      for (let x = 0; x < w; x++) {
        let s = f(pad[x] * k0);
        s = f(pad[x + 1] * k1 + s);
        s = f(pad[x + 2] * k2 + s);
        s = f(pad[x + 3] * k3 + s);
        s = f(pad[x + 4] * k4 + s);
        s = f(pad[x + 5] * k5 + s);
        s = f(pad[x + 6] * k6 + s);
        rowMu[o + x] = s;
        let q = f(padSq[x] * k0);
        q = f(padSq[x + 1] * k1 + q);
        q = f(padSq[x + 2] * k2 + q);
        q = f(padSq[x + 3] * k3 + q);
        q = f(padSq[x + 4] * k4 + q);
        q = f(padSq[x + 5] * k5 + q);
        q = f(padSq[x + 6] * k6 + q);
        rowSq[o + x] = q;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      rowMu[i] = src[i];
      rowSq[i] = f(src[i] * src[i]);
    }
  }
  const mu = new Float32Array(w);
  const sq = new Float32Array(w);
  const lastRow = h - 1;
  for (let y = 0; y < h; y++) {
    const c = y * w;
    if (h === 1) {
      mu.set(rowMu.subarray(c, c + w));
      sq.set(rowSq.subarray(c, c + w));
    } else {
      const u1 = Math.max(0, y - 1) * w,
        d1 = Math.min(lastRow, y + 1) * w;
      const u2 = Math.max(0, y - 2) * w,
        d2 = Math.min(lastRow, y + 2) * w;
      const u3 = Math.max(0, y - 3) * w,
        d3 = Math.min(lastRow, y + 3) * w;
      for (let x = 0; x < w; x++) {
        let s = f(rowMu[c + x] * k3);
        s = f(f(rowMu[d1 + x] + rowMu[u1 + x]) * k4 + s);
        s = f(f(rowMu[d2 + x] + rowMu[u2 + x]) * k5 + s);
        s = f(f(rowMu[d3 + x] + rowMu[u3 + x]) * k6 + s);
        mu[x] = s;
        let q = f(rowSq[c + x] * k3);
        q = f(f(rowSq[d1 + x] + rowSq[u1 + x]) * k4 + q);
        q = f(f(rowSq[d2 + x] + rowSq[u2 + x]) * k5 + q);
        q = f(f(rowSq[d3 + x] + rowSq[u3 + x]) * k6 + q);
        sq[x] = q;
      }
    }
    emit(y, mu, sq);
  }
}

/**
 * SciPy `ndimage.convolve(img, g·gᵀ, mode='nearest')` of a float32 image and of its float32 square, handed
 * row by row to `emit(y, mu, blurSq)`: sums in float64 (separably — the 2-D window is the outer product of
 * the 1-D kernel to ~1e-17) and rounded to float32, as SciPy stores its result for a float32 input.
 */
export function blurPairNearest(
  src: Float32Array,
  w: number,
  h: number,
  g: Float64Array,
  emit: (y: number, mu: Float32Array, blurSq: Float32Array) => void,
): void {
  if (g.length !== 7) throw new RangeError('blurPairNearest takes a 7-tap kernel');
  const [g0, g1, g2, g3, g4, g5, g6] = g;
  const n = w * h;
  const rowMu = new Float64Array(n);
  const rowSq = new Float64Array(n);
  const pad = new Float64Array(w + 6);
  const padSq = new Float64Array(w + 6);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x < w + 6; x++) {
      const v = src[o + Math.min(w - 1, Math.max(0, x - 3))];
      pad[x] = v;
      padSq[x] = f(v * v);
    }
    for (let x = 0; x < w; x++) {
      rowMu[o + x] =
        g0 * pad[x] + g1 * pad[x + 1] + g2 * pad[x + 2] + g3 * pad[x + 3] + g4 * pad[x + 4] + g5 * pad[x + 5] + g6 * pad[x + 6];
      rowSq[o + x] =
        g0 * padSq[x] +
        g1 * padSq[x + 1] +
        g2 * padSq[x + 2] +
        g3 * padSq[x + 3] +
        g4 * padSq[x + 4] +
        g5 * padSq[x + 5] +
        g6 * padSq[x + 6];
    }
  }
  const mu = new Float32Array(w);
  const sq = new Float32Array(w);
  const last = h - 1;
  for (let y = 0; y < h; y++) {
    const r0 = Math.max(0, y - 3) * w,
      r1 = Math.max(0, y - 2) * w,
      r2 = Math.max(0, y - 1) * w,
      r3 = y * w;
    const r4 = Math.min(last, y + 1) * w,
      r5 = Math.min(last, y + 2) * w,
      r6 = Math.min(last, y + 3) * w;
    for (let x = 0; x < w; x++) {
      mu[x] =
        g0 * rowMu[r0 + x] +
        g1 * rowMu[r1 + x] +
        g2 * rowMu[r2 + x] +
        g3 * rowMu[r3 + x] +
        g4 * rowMu[r4 + x] +
        g5 * rowMu[r5 + x] +
        g6 * rowMu[r6 + x];
      sq[x] =
        g0 * rowSq[r0 + x] +
        g1 * rowSq[r1 + x] +
        g2 * rowSq[r2 + x] +
        g3 * rowSq[r3 + x] +
        g4 * rowSq[r4 + x] +
        g5 * rowSq[r5 + x] +
        g6 * rowSq[r6 + x];
    }
    emit(y, mu, sq);
  }
}
