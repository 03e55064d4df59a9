import { AssayError, ErrorCode } from '@assay/contracts';
import type { Rng } from '@assay/stats';
import { diagonal, type PairedGram } from './gram.js';

/** clean-fid's KID settings: 100 subsets of min(1000, n) drawn without replacement. */
export const KID_SUBSETS = 100;
export const KID_SUBSET_SIZE = 1000;

export interface KidSubset {
  x: Int32Array;
  y: Int32Array;
}

/** clean-fid's draw: each subset takes m = min(nx, ny, 1000) rows of each set, without replacement. */
export function drawKidSubsets(nx: number, ny: number, rng: Rng, subsets = KID_SUBSETS, maxSize = KID_SUBSET_SIZE): KidSubset[] {
  const m = Math.min(nx, ny, maxSize);
  if (m < 2) throw new AssayError(ErrorCode.NotEnoughEmbeddings, `KID needs 2 embeddings or more on each side, got ${nx} and ${ny}`);
  const choose = (n: number): Int32Array => {
    const pool = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < m; i++) {
      const j = i + rng.nextInt(n - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, m);
  };
  return Array.from({ length: subsets }, () => ({ x: choose(nx), y: choose(ny) }));
}

/**
 * Kernel Inception Distance (Bińkowski et al. 2018) as clean-fid computes it: the unbiased MMD² with the cubic
 * polynomial kernel k(a, b) = (a·b / d + 1)³, on each subset
 *   [Σ_{i≠j} k(xᵢ, xⱼ) + k(yᵢ, yⱼ)] / (m(m − 1)) − 2 Σ k(xᵢ, yⱼ) / m²,
 * averaged over subsets; the standard deviation across subsets as torch-fidelity reports it (ddof 0).
 */
export function kernelInceptionDistance(g: PairedGram, subsets: readonly KidSubset[]): { mean: number; std: number; subsetSize: number } {
  // the kernel once per pair; subsets then only gather (each row's gathers stay within one cached row)
  const cubic = (dots: Float64Array) =>
    dots.map((dot) => {
      const v = dot / g.d + 1;
      return v * v * v;
    });
  const kxx = cubic(g.xx);
  const kyy = cubic(g.yy);
  const kxy = cubic(g.xy);
  const values = subsets.map(({ x, y }) => {
    const m = x.length;
    let within = 0;
    let across = 0;
    for (let a = 0; a < m; a++) {
      const xRow = x[a] * g.nx;
      const yRow = y[a] * g.ny;
      const xyRow = x[a] * g.ny;
      for (let b = 0; b < m; b++) {
        within += kxx[xRow + x[b]] + kyy[yRow + y[b]];
        across += kxy[xyRow + y[b]];
      }
      within -= kxx[xRow + x[a]] + kyy[yRow + y[a]];
    }
    return (within / (m - 1) - (2 * across) / m) / m;
  });
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std, subsetSize: subsets[0]?.x.length ?? 0 };
}

/** CMMD's settings (google-research/cmmd distance.py): σ = 10, the result scaled by 1000. */
export const CMMD_SIGMA = 10;
export const CMMD_SCALE = 1000;

/**
 * CMMD (Jayasumana et al. 2024) exactly as google-research/cmmd's distance.py computes it: MMD² with the RBF
 * kernel exp(−‖a − b‖² / (2σ²)), each term the mean over ALL pairs including i = j (the biased V-statistic,
 * which is what the published numbers use), squared distances as ‖a‖² + ‖b‖² − 2a·b, times 1000.
 */
export function cmmd(g: PairedGram): number {
  const gamma = 1 / (2 * CMMD_SIGMA ** 2);
  const nxx = diagonal(g.xx, g.nx);
  const nyy = diagonal(g.yy, g.ny);
  const meanKernel = (dots: Float64Array, na: Float64Array, nb: Float64Array) => {
    let s = 0;
    for (let i = 0; i < na.length; i++)
      for (let j = 0; j < nb.length; j++) s += Math.exp(-gamma * (na[i] + nb[j] - 2 * dots[i * nb.length + j]));
    return s / (na.length * nb.length);
  };
  return CMMD_SCALE * (meanKernel(g.xx, nxx, nxx) + meanKernel(g.yy, nyy, nyy) - 2 * meanKernel(g.xy, nxx, nyy));
}
