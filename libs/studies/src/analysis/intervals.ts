import { studentTQuantile } from '@assay/stats';

export interface MeanEstimate {
  estimate: number;
  ci: [number, number];
  n: number;
}

/**
 * The mean of per-item values with a t interval: items, not individual ratings, are the independent units
 * (raters of one item share it). Clamped to `bounds` when given (a share cannot leave [0, 1]).
 */
export function meanCi(values: readonly number[], confidence: number, bounds?: [number, number]): MeanEstimate {
  const n = values.length;
  const mean = n ? values.reduce((s, v) => s + v, 0) / n : NaN;
  if (n < 2) return { estimate: mean, ci: [mean, mean], n };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance / n);
  let ci: [number, number] = [mean - half, mean + half];
  if (bounds) ci = [Math.max(bounds[0], ci[0]), Math.min(bounds[1], ci[1])];
  return { estimate: mean, ci, n };
}

export const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
