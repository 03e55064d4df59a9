import { pairedTTest } from '@assay/stats';

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
  const t = n < 2 ? null : pairedTTest(values, 1 - confidence);
  // the one-sample t interval of the mean (a paired test's interval is that of its differences' mean)
  let ci: [number, number] = t?.ci ?? [mean, mean];
  if (bounds) ci = [Math.max(bounds[0], ci[0]), Math.min(bounds[1], ci[1])];
  return { estimate: mean, ci, n };
}

export const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
