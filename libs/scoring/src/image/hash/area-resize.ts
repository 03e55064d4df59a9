/**
 * Exact area averaging (a box filter over the true pixel footprint): output pixel (i, j) of an out-W×out-H
 * grid is the mean of the input over the rectangle [j·W/outW, (j+1)·W/outW) × [i·H/outH, (i+1)·H/outH),
 * input pixels being unit squares. Defined for every size, up- or downscaling, and independent of any
 * image library's resampler. Measured in units of 1/outW of a pixel the overlaps are integers, so for
 * 8-bit input every sum below is an exact integer in float64 (≤ 255·W·H < 2^53).
 */

/** (input index, output index, overlap weight) triples along one axis; at most `n + out` of them. */
function axisWeights(n: number, out: number): { src: Int32Array; dst: Int32Array; w: Int32Array } {
  const src: number[] = [];
  const dst: number[] = [];
  const w: number[] = [];
  // input pixel x spans [x·out, (x+1)·out), output bin j spans [j·n, (j+1)·n), in units of 1/out pixel
  for (let x = 0; x < n; x++) {
    const lo = x * out;
    const hi = lo + out;
    for (let j = Math.floor(lo / n); j * n < hi; j++) {
      const overlap = Math.min(hi, (j + 1) * n) - Math.max(lo, j * n);
      if (overlap > 0) {
        src.push(x);
        dst.push(j);
        w.push(overlap);
      }
    }
  }
  return { src: Int32Array.from(src), dst: Int32Array.from(dst), w: Int32Array.from(w) };
}

/**
 * One row, downscaling (width ≥ outW): bin j is the pixels it covers whole (weight outW each, summed in a
 * tight loop) plus at most one partial pixel at each end — ~6× faster than the general triples.
 */
function rowBins(width: number, outW: number) {
  const first = new Int32Array(outW);
  const end = new Int32Array(outW);
  const left = new Int32Array(outW);
  const leftW = new Int32Array(outW);
  const right = new Int32Array(outW);
  const rightW = new Int32Array(outW);
  for (let j = 0; j < outW; j++) {
    const lo = j * width;
    const hi = lo + width;
    first[j] = Math.ceil(lo / outW);
    end[j] = Math.floor(hi / outW);
    left[j] = Math.floor(lo / outW);
    leftW[j] = lo % outW ? (left[j] + 1) * outW - lo : 0;
    right[j] = Math.min(end[j], width - 1);
    rightW[j] = hi % outW ? hi - end[j] * outW : 0;
  }
  return { first, end, left, leftW, right, rightW };
}

function horizontalSums(plane: Uint8Array, width: number, height: number, outW: number): Float64Array {
  const rows = new Float64Array(height * outW);
  if (width < outW) {
    const h = axisWeights(width, outW);
    for (let y = 0; y < height; y++) {
      const inRow = y * width;
      const outRow = y * outW;
      for (let t = 0; t < h.src.length; t++) rows[outRow + h.dst[t]] += h.w[t] * plane[inRow + h.src[t]];
    }
    return rows;
  }
  const { first, end, left, leftW, right, rightW } = rowBins(width, outW);
  for (let y = 0; y < height; y++) {
    const inRow = y * width;
    for (let j = 0; j < outW; j++) {
      let s = 0;
      for (let x = inRow + first[j], e = inRow + end[j]; x < e; x++) s += plane[x];
      rows[y * outW + j] = s * outW + leftW[j] * plane[inRow + left[j]] + rightW[j] * plane[inRow + right[j]];
    }
  }
  return rows;
}

/**
 * Area-averaged `outW × outH` grid of an 8-bit plane, row-major, as exact integer sums: divide by
 * `width · height` for the mean. Separable: a horizontal pass per input row, then a vertical pass.
 */
export function areaSums(plane: Uint8Array, width: number, height: number, outW: number, outH: number): Float64Array {
  const rows = horizontalSums(plane, width, height, outW);
  const v = axisWeights(height, outH);
  const out = new Float64Array(outW * outH);
  for (let t = 0; t < v.src.length; t++) {
    const from = v.src[t] * outW;
    const to = v.dst[t] * outW;
    const wt = v.w[t];
    for (let j = 0; j < outW; j++) out[to + j] += wt * rows[from + j];
  }
  return out;
}
