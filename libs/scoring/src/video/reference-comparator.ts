import type { GrayFrame } from '@assay/media';
import type { ReferenceSeries } from './frame-series.js';

// ffmpeg vf_ssim.c, 8-bit: (int)(.01*.01*255*255*64 + .5) and (int)(.03*.03*255*255*64*63 + .5)
const SSIM_C1 = Math.trunc(0.01 * 0.01 * 255 * 255 * 64 + 0.5);
const SSIM_C2 = Math.trunc(0.03 * 0.03 * 255 * 255 * 64 * 63 + 0.5);
const f32 = Math.fround;

/**
 * SSIM of two 8-bit planes as ffmpeg's `ssim` filter computes it (libavfilter/vf_ssim.c, after x264):
 * sums s1 = Σa, s2 = Σb, ss = Σa² + Σb², s12 = Σab over non-overlapping 4×4 blocks; each 8×8 window made
 * of 2×2 neighbouring blocks (so windows overlap by 4 px) gives, in integers,
 *   vars = 64·ss − s1² − s2², covar = 64·s12 − s1·s2,
 *   ssim = (2·s1·s2 + C1)(2·covar + C2) / ((s1² + s2² + C1)(vars + C2)), C1 = 416, C2 = 235 961
 * (the products in single precision, as the C code does); the plane's SSIM is the mean over the
 * (⌊w/4⌋−1)·(⌊h/4⌋−1) windows. Columns and rows beyond the last whole 4×4 block are ignored.
 * Planes smaller than 8×8 (where ffmpeg divides 0 by 0) get the global SSIM of the whole plane.
 */
export function ffmpegSsim(a: Uint8Array, b: Uint8Array, width: number, height: number, scratch?: Int32Array): number {
  const bw = width >> 2;
  const bh = height >> 2;
  if (bw < 2 || bh < 2) return globalSsim(a, b, width * height);
  // two rows of block sums (4 ints per block), swapped as the window slides down
  const need = 8 * bw;
  const buf = scratch && scratch.length >= need ? scratch : new Int32Array(need);
  let sum0 = buf.subarray(0, 4 * bw);
  let sum1 = buf.subarray(4 * bw, 8 * bw);
  const blockRow = (z: number, out: Int32Array) => {
    out.fill(0);
    for (let y = 0; y < 4; y++) {
      const row = (4 * z + y) * width;
      for (let x = 0; x < bw; x++) {
        const o = 4 * x;
        const p = row + 4 * x;
        let s1 = 0;
        let s2 = 0;
        let ss = 0;
        let s12 = 0;
        for (let k = 0; k < 4; k++) {
          const va = a[p + k];
          const vb = b[p + k];
          s1 += va;
          s2 += vb;
          ss += va * va + vb * vb;
          s12 += va * vb;
        }
        out[o] += s1;
        out[o + 1] += s2;
        out[o + 2] += ss;
        out[o + 3] += s12;
      }
    }
  };
  let total = 0;
  blockRow(0, sum1);
  for (let y = 1; y < bh; y++) {
    blockRow(y, sum0);
    let line = 0;
    for (let i = 0; i < bw - 1; i++) {
      const o = 4 * i;
      const s1 = sum0[o] + sum0[o + 4] + sum1[o] + sum1[o + 4];
      const s2 = sum0[o + 1] + sum0[o + 5] + sum1[o + 1] + sum1[o + 5];
      const ss = sum0[o + 2] + sum0[o + 6] + sum1[o + 2] + sum1[o + 6];
      const s12 = sum0[o + 3] + sum0[o + 7] + sum1[o + 3] + sum1[o + 7];
      const vars = ss * 64 - s1 * s1 - s2 * s2;
      const covar = s12 * 64 - s1 * s2;
      line += f32(f32(f32(2 * s1 * s2 + SSIM_C1) * f32(2 * covar + SSIM_C2)) / f32(f32(s1 * s1 + s2 * s2 + SSIM_C1) * f32(vars + SSIM_C2)));
    }
    total += line;
    const t = sum0;
    sum0 = sum1;
    sum1 = t;
  }
  return total / ((bh - 1) * (bw - 1));
}

/** SSIM from the plane's global statistics (population moments, C1 = (0.01·255)², C2 = (0.03·255)²). */
function globalSsim(a: Uint8Array, b: Uint8Array, n: number): number {
  let s1 = 0;
  let s2 = 0;
  let ss1 = 0;
  let ss2 = 0;
  let s12 = 0;
  for (let i = 0; i < n; i++) {
    s1 += a[i];
    s2 += b[i];
    ss1 += a[i] * a[i];
    ss2 += b[i] * b[i];
    s12 += a[i] * b[i];
  }
  const m1 = s1 / n;
  const m2 = s2 / n;
  const v1 = ss1 / n - m1 * m1;
  const v2 = ss2 / n - m2 * m2;
  const cov = s12 / n - m1 * m2;
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  return ((2 * m1 * m2 + c1) * (2 * cov + c2)) / ((m1 * m1 + m2 * m2 + c1) * (v1 + v2 + c2));
}

/** Mean squared error of two 8-bit planes (ffmpeg `psnr`'s per-plane `mse`). */
export function planeMse(a: Uint8Array, b: Uint8Array, pixels: number): number {
  let sum = 0;
  for (let i = 0; i < pixels; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return sum / pixels;
}

/**
 * Full-reference comparison of an asset with its reference video, frame pair by frame pair, on
 * full-resolution Y: MSE (as ffmpeg's `psnr` filter) and SSIM (as ffmpeg's `ssim` filter). Pairs are matched
 * by decode order (the caller pairs them); a pair of different sizes is recorded as `sizeMismatch` and
 * ignored — full-reference metrics then report `reference_size_mismatch`.
 */
export class ReferenceComparator {
  private n = 0;
  private width = 0;
  private height = 0;
  private mse = new Float64Array(256);
  private ssim = new Float64Array(256);
  private scratch = new Int32Array(0);
  private mismatch?: ReferenceSeries['sizeMismatch'];

  /** pairs compared so far */
  get count(): number {
    return this.n;
  }

  /** Compares the asset's frame `a` with the reference's frame `b` (luma planes). */
  onPair(a: GrayFrame, b: GrayFrame): void {
    if (a.width !== b.width || a.height !== b.height || (this.n > 0 && (a.width !== this.width || a.height !== this.height))) {
      this.mismatch ??= { asset: [a.width, a.height], reference: [b.width, b.height] };
      return;
    }
    const pixels = a.width * a.height;
    if (!(pixels > 0) || a.luma.length < pixels || b.luma.length < pixels)
      throw new Error(`frame pair ${a.index}/${b.index}: ${a.width}×${a.height} luma too short`);
    if (this.n === 0) {
      this.width = a.width;
      this.height = a.height;
      this.scratch = new Int32Array(8 * Math.max(1, a.width >> 2));
    }
    if (this.n === this.mse.length) {
      const m = new Float64Array(this.n * 2);
      m.set(this.mse);
      this.mse = m;
      const s = new Float64Array(this.n * 2);
      s.set(this.ssim);
      this.ssim = s;
    }
    this.mse[this.n] = planeMse(a.luma, b.luma, pixels);
    this.ssim[this.n] = ffmpegSsim(a.luma, b.luma, a.width, a.height, this.scratch);
    this.n++;
  }

  /**
   * The per-frame comparison. `frames` gives the decoded frame counts of both streams when the caller knows
   * them (they differ when one stream is longer); by default both are the pairs compared.
   */
  series(frames: { assetFrames?: number; referenceFrames?: number } = {}): ReferenceSeries {
    return {
      count: this.n,
      assetFrames: frames.assetFrames ?? this.n,
      referenceFrames: frames.referenceFrames ?? this.n,
      width: this.width,
      height: this.height,
      mseY: this.mse.slice(0, this.n),
      ssimY: this.ssim.slice(0, this.n),
      ...(this.mismatch ? { sizeMismatch: this.mismatch } : {}),
    };
  }
}
