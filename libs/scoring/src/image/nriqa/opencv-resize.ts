/**
 * OpenCV's `cv::resize(src, dst, (dw, dh), 0, 0, INTER_CUBIC)` for a single-channel CV_32F image, reproducing
 * its float32 arithmetic (checked bit for bit against OpenCV 4.6.0 on x86-64): the source coordinate is
 * `(float)((d + 0.5)·scale − 0.5)` with `scale = 1 / (dsize / ssize)`, the four weights come from
 * `interpolateCubic` (A = −0.75) in float, out-of-range taps are clamped (replicate), the horizontal pass
 * sums left to right, and the vertical pass sums the four rows last-to-first in groups of four columns
 * (the SSE2 `VResizeCubicVec_32f`) and first-to-last in the remaining columns.
 */
const f = Math.fround;
const A = -0.75;

interface Taps {
  /** first source index (may be out of range; clamped on use) per destination index */
  start: Int32Array;
  /** 4 float32 weights per destination index */
  weight: Float32Array;
}

function cubicWeights(x: number, out: Float32Array, o: number): void {
  const x1 = f(x + 1);
  let c0 = f(f(f(f(A * x1) - f(5 * A)) * x1) + f(8 * A));
  c0 = f(f(c0 * x1) - f(4 * A));
  const c1 = f(f(f(f(f(f((A + 2) * x) - (A + 3)) * x) * x)) + 1);
  const y = f(1 - x);
  const c2 = f(f(f(f(f((A + 2) * y) - (A + 3)) * y) * y) + 1);
  out[o] = c0;
  out[o + 1] = c1;
  out[o + 2] = c2;
  out[o + 3] = f(f(f(1 - c0) - c1) - c2);
}

function taps(srcLen: number, dstLen: number): Taps {
  const scale = 1 / (dstLen / srcLen);
  const start = new Int32Array(dstLen);
  const weight = new Float32Array(dstLen * 4);
  for (let d = 0; d < dstLen; d++) {
    const fx = f((d + 0.5) * scale - 0.5);
    const sx = Math.floor(fx);
    start[d] = sx - 1;
    cubicWeights(f(fx - sx), weight, d * 4);
  }
  return { start, weight };
}

export function resizeCubicOpenCv(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  if (dw < 1 || dh < 1) throw new RangeError(`cannot resize ${sw}×${sh} to ${dw}×${dh}`);
  if (dw === sw && dh === sh) return src.slice(); // OpenCV copies when the size does not change
  const xt = taps(sw, dw);
  const yt = taps(sh, dh);
  const lastX = sw - 1;
  // horizontal pass over every source row
  const hb = new Float32Array(sh * dw);
  for (let y = 0; y < sh; y++) {
    const o = y * sw;
    const p = y * dw;
    for (let d = 0; d < dw; d++) {
      const s = xt.start[d];
      const w = d * 4;
      let v: number;
      if (s >= 0 && s + 3 <= lastX) {
        v = f(src[o + s] * xt.weight[w]);
        v = f(v + f(src[o + s + 1] * xt.weight[w + 1]));
        v = f(v + f(src[o + s + 2] * xt.weight[w + 2]));
        v = f(v + f(src[o + s + 3] * xt.weight[w + 3]));
      } else {
        v = 0;
        for (let j = 0; j < 4; j++) v = f(v + f(src[o + Math.min(lastX, Math.max(0, s + j))] * xt.weight[w + j]));
      }
      hb[p + d] = v;
    }
  }
  // vertical pass
  const out = new Float32Array(dw * dh);
  const simd = dw - (dw % 4);
  const lastY = sh - 1;
  for (let d = 0; d < dh; d++) {
    const s = yt.start[d];
    const r0 = Math.min(lastY, Math.max(0, s)) * dw;
    const r1 = Math.min(lastY, Math.max(0, s + 1)) * dw;
    const r2 = Math.min(lastY, Math.max(0, s + 2)) * dw;
    const r3 = Math.min(lastY, Math.max(0, s + 3)) * dw;
    const b0 = yt.weight[d * 4],
      b1 = yt.weight[d * 4 + 1],
      b2 = yt.weight[d * 4 + 2],
      b3 = yt.weight[d * 4 + 3];
    const o = d * dw;
    for (let x = 0; x < dw; x++) {
      const p0 = f(hb[r0 + x] * b0),
        p1 = f(hb[r1 + x] * b1),
        p2 = f(hb[r2 + x] * b2),
        p3 = f(hb[r3 + x] * b3);
      out[o + x] = x < simd ? f(p0 + f(p1 + f(p2 + p3))) : f(f(f(p0 + p1) + p2) + p3);
    }
  }
  return out;
}
