/**
 * MATLAB's `imresize(img, scale)` (bicubic, antialiased when shrinking) as BasicSR ports it in
 * `basicsr/utils/matlab_functions.py`: `calculate_weights_indices` + symmetric padding, rows first, then
 * columns. BasicSR runs it in torch float32; the weights are computed here in float32 too (they are exact
 * dyadic numbers for scale ½), sums in float64 with float32 stores.
 */
const f = Math.fround;

function cubic(x: number): number {
  const ax = Math.abs(x);
  const ax2 = f(ax * ax);
  const ax3 = f(ax2 * ax);
  if (ax <= 1) return f(f(f(1.5 * ax3) - f(2.5 * ax2)) + 1);
  if (ax <= 2) return f(f(f(f(f(-0.5 * ax3) + f(2.5 * ax2)) - f(4 * ax)) + 2));
  return 0;
}

export interface Contributions {
  taps: number;
  /** first source index (0-based, before mirroring) per output index */
  first: Int32Array;
  weights: Float32Array;
}

/** `calculate_weights_indices`, including BasicSR's trimming of an all-zero first or last column. */
export function contributions(inLength: number, outLength: number, scale: number, antialiasing = true): Contributions {
  const aa = scale < 1 && antialiasing;
  const kernelWidth = aa ? 4 / scale : 4;
  const p = Math.ceil(kernelWidth) + 2;
  const left = new Float64Array(outLength);
  let w = new Float32Array(outLength * p);
  const shift = f(0.5 * (1 - 1 / scale));
  for (let i = 0; i < outLength; i++) {
    const u = f(f((i + 1) / scale) + shift);
    left[i] = Math.floor(f(u - f(kernelWidth / 2)));
    let sum = 0;
    for (let j = 0; j < p; j++) {
      const d = f(u - (left[i] + j));
      const v = aa ? f(scale * cubic(f(d * scale))) : cubic(d);
      w[i * p + j] = v;
      sum = f(sum + v);
    }
    for (let j = 0; j < p; j++) w[i * p + j] = f(w[i * p + j] / sum);
  }
  // a column is dropped when any row has a zero weight there (torch.sum(weights == 0, 0) != 0)
  let zeroFirst = false;
  let zeroLast = false;
  for (let i = 0; i < outLength; i++) {
    if (w[i * p] === 0) zeroFirst = true;
    if (w[i * p + p - 1] === 0) zeroLast = true;
  }
  let from = 0;
  let taps = p;
  if (zeroFirst) {
    from = 1;
    taps = p - 2; // narrow(1, 1, p - 2)
  }
  if (zeroLast) taps = p - 2; // narrow(1, 0, p - 2) of whatever is left
  const first = new Int32Array(outLength);
  const trimmed = new Float32Array(outLength * taps);
  for (let i = 0; i < outLength; i++) {
    first[i] = left[i] + from - 1; // MATLAB indices are 1-based
    for (let j = 0; j < taps; j++) trimmed[i * taps + j] = w[i * p + from + j];
  }
  w = trimmed;
  return { taps, first, weights: w };
}

/** BasicSR's symmetric padding: index −1 is 0, −2 is 1, n is n−1, … */
function mirror(i: number, n: number): number {
  if (i < 0) return Math.min(n - 1, -1 - i);
  if (i >= n) return Math.max(0, 2 * n - 1 - i);
  return i;
}

export function imresizeMatlab(
  src: Float32Array,
  w: number,
  h: number,
  scale: number,
): { data: Float32Array; width: number; height: number } {
  const outH = Math.ceil(h * scale);
  const outW = Math.ceil(w * scale);
  const ch = contributions(h, outH, scale);
  const cw = contributions(w, outW, scale);
  // rows: out1[i, x] = Σ_k w_h[i, k] · src[first_i + k, x]
  const out1 = new Float32Array(outH * w);
  const acc = new Float64Array(w);
  for (let i = 0; i < outH; i++) {
    acc.fill(0);
    for (let k = 0; k < ch.taps; k++) {
      const wk = ch.weights[i * ch.taps + k];
      const row = mirror(ch.first[i] + k, h) * w;
      for (let x = 0; x < w; x++) acc[x] += wk * src[row + x];
    }
    out1.set(acc, i * w);
  }
  // columns
  const out = new Float32Array(outH * outW);
  const cols = new Int32Array(outW * cw.taps);
  for (let j = 0; j < outW; j++) for (let k = 0; k < cw.taps; k++) cols[j * cw.taps + k] = mirror(cw.first[j] + k, w);
  for (let i = 0; i < outH; i++) {
    const o = i * w;
    for (let j = 0; j < outW; j++) {
      let s = 0;
      for (let k = 0; k < cw.taps; k++) s += cw.weights[j * cw.taps + k] * out1[o + cols[j * cw.taps + k]];
      out[i * outW + j] = s;
    }
  }
  return { data: out, width: outW, height: outH };
}
