/**
 * The Wilcoxon signed-rank test on paired differences, two-sided, as SciPy 1.10 `wilcoxon(d)` with its
 * defaults (scipy/stats/_morestats.py): zero_method 'wilcox', no continuity correction, mode 'auto' —
 * the exact null distribution when there are at most 50 differences and none is zero, else the normal
 * approximation on the non-zero differences with the tie-corrected variance.
 *
 * One deliberate difference: SciPy 1.10 also takes the exact distribution when |d| has ties, truncating the
 * then fractional rank sum to an integer (`int(r_plus)`); a tied sample is given the normal approximation
 * with the tie correction here, the rule SciPy adopted later (1.11 skips 'exact' when there are ties).
 */
import { requireFinite, StatsInputError } from '../errors.js';
import { normalSf } from '../distributions/normal.js';
import type { RankTestResult } from './mann-whitney.js';
import { averageRanks } from './ranks.js';

/** T = min(R⁺, R⁻), SciPy's two-sided statistic, and the two-sided p-value. Throws when every difference is 0 (SciPy raises too). */
export function wilcoxonSignedRank(d: ArrayLike<number>): RankTestResult {
  const total = requireFinite(d, 'd');
  const nonZero: number[] = [];
  for (let i = 0; i < total; i++) if (d[i] !== 0) nonZero.push(d[i]);
  const n = nonZero.length;
  if (n === 0) throw new StatsInputError('all_zero_differences', 'every paired difference is 0: the signed-rank test is undefined');
  const { ranks, tieTerm } = averageRanks(nonZero.map(Math.abs));
  let rPlus = 0;
  let rMinus = 0;
  for (let i = 0; i < n; i++) {
    if (nonZero[i] > 0) rPlus += ranks[i];
    else rMinus += ranks[i];
  }
  const statistic = Math.min(rPlus, rMinus);
  if (total <= 50 && n === total && tieTerm === 0) return { statistic, pValue: exactPValue(rPlus, n) };
  const mean = (n * (n + 1)) / 4;
  const se = Math.sqrt((n * (n + 1) * (2 * n + 1) - tieTerm / 2) / 24);
  return { statistic, pValue: Math.min(1, 2 * normalSf(Math.abs((statistic - mean) / se))) };
}

/**
 * 2·min(P(R⁺ ≤ r), P(R⁺ ≥ r)) from the exact null distribution of R⁺: the counts of subsets of {1..n}
 * with each sum, built one rank at a time (all integers below 2⁵⁰, so exact in doubles); 1 at the centre.
 */
function exactPValue(rPlus: number, n: number): number {
  const max = (n * (n + 1)) / 2;
  if (rPlus === Math.floor(max / 2)) return 1; // SciPy compares with (len(pmf) − 1) // 2
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) for (let s = (k * (k + 1)) / 2; s >= k; s--) counts[s] += counts[s - k];
  let lower = 0;
  for (let s = 0; s <= rPlus; s++) lower += counts[s];
  let upper = 0;
  for (let s = rPlus; s <= max; s++) upper += counts[s];
  return Math.min(1, (2 * Math.min(lower, upper)) / 2 ** n);
}
