/**
 * Adjusted p-values for a family of tests, as statsmodels 0.13 `multipletests` returns them (`pvals_corrected`).
 * NaN entries are not tests: they are skipped, not counted in the family size, and come back as NaN.
 */
import { StatsInputError } from './errors.js';

/** Indices of the non-NaN p-values, ascending by p (ties by position, as numpy's stable argsort would keep them). */
function order(p: readonly number[]): number[] {
  const idx: number[] = [];
  p.forEach((v, i) => {
    if (Number.isNaN(v)) return;
    if (!(v >= 0 && v <= 1)) throw new StatsInputError('invalid_argument', `p[${i}] must be in [0, 1], got ${v}`);
    idx.push(i);
  });
  return idx.sort((i, j) => p[i] - p[j] || i - j);
}

/** Holm's step-down adjustment (Holm 1979): max over j ≤ i of (m − j)·p₍ⱼ₎, capped at 1 (statsmodels method='holm'). */
export function holm(p: readonly number[]): number[] {
  const idx = order(p);
  const m = idx.length;
  const out = p.map(() => NaN);
  let running = 0;
  idx.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[i]));
    out[i] = running;
  });
  return out;
}

/** Benjamini–Hochberg step-up FDR adjustment (1995): min over j ≥ i of m·p₍ⱼ₎/j, capped at 1 (statsmodels method='fdr_bh'). */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const idx = order(p);
  const m = idx.length;
  const out = p.map(() => NaN);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const i = idx[rank];
    running = Math.min(running, p[i] / ((rank + 1) / m)); // statsmodels divides by the ECDF factor i/m
    out[i] = running;
  }
  return out;
}
