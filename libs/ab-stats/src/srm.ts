/**
 * Sample ratio mismatch: Pearson's χ² goodness of fit of the units each variant received against the
 * planned allocation (SciPy `chisquare(observed, f_exp)` with f_exp = total·wᵢ/Σw, df = k − 1). A small
 * p-value means the assignment or the logging is broken, and the comparison of the arms should not be trusted.
 */
import { chiSquareSf } from '@assay/stats';
import { AbStatsError } from './errors.js';

export interface SrmResult {
  statistic: number;
  df: number;
  pValue: number;
  observed: number[];
  expected: number[];
}

/** Throws on fewer than 2 variants, counts that are not non-negative integers, no units at all, weights ≤ 0. */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]): SrmResult {
  const k = observed.length;
  if (k < 2) throw new AbStatsError('invalid_argument', `a sample ratio check needs at least 2 variants, got ${k}`);
  if (weights.length !== k) throw new AbStatsError('length_mismatch', `${k} observed counts but ${weights.length} weights`);
  let total = 0;
  let weightSum = 0;
  for (let i = 0; i < k; i++) {
    if (!(Number.isSafeInteger(observed[i]) && observed[i] >= 0))
      throw new AbStatsError('invalid_argument', `observed[${i}] must be a non-negative integer count, got ${observed[i]}`);
    if (!(weights[i] > 0 && Number.isFinite(weights[i])))
      throw new AbStatsError('invalid_argument', `weights[${i}] must be positive and finite, got ${weights[i]}`);
    total += observed[i];
    weightSum += weights[i];
  }
  if (total === 0) throw new AbStatsError('invalid_argument', 'no units were observed in any variant');
  const expected = weights.map((w) => (total * w) / weightSum);
  let statistic = 0;
  for (let i = 0; i < k; i++) statistic += (observed[i] - expected[i]) ** 2 / expected[i];
  return { statistic, df: k - 1, pValue: chiSquareSf(statistic, k - 1), observed: [...observed], expected };
}
