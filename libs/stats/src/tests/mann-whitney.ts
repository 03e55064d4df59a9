/**
 * The Mann–Whitney U test, two-sided, as SciPy 1.10 `mannwhitneyu(a, b)` with its defaults
 * (scipy/stats/_mannwhitneyu.py): method 'auto' takes the exact null distribution when either sample has
 * at most 8 values and there are no ties, else the normal approximation with the tie-corrected variance
 * and a continuity correction of ½.
 */
import { requireFinite } from '../errors.js';
import { normalSf } from '../distributions/normal.js';
import { averageRanks } from './ranks.js';

export interface RankTestResult {
  statistic: number;
  pValue: number;
}

/** U of the first sample (SciPy's statistic) and the two-sided p-value. */
export function mannWhitneyU(a: ArrayLike<number>, b: ArrayLike<number>): RankTestResult {
  const n1 = requireFinite(a, 'a');
  const n2 = requireFinite(b, 'b');
  const both = new Float64Array(n1 + n2);
  for (let i = 0; i < n1; i++) both[i] = a[i];
  for (let i = 0; i < n2; i++) both[n1 + i] = b[i];
  const { ranks, tieTerm } = averageRanks(both);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u = Math.max(u1, n1 * n2 - u1);
  let p: number;
  if ((n1 <= 8 || n2 <= 8) && tieTerm === 0) {
    p = 2 * exactUpperTail(u, n1, n2);
  } else {
    const n = n1 + n2;
    const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    p = 2 * normalSf((u - (n1 * n2) / 2 - 0.5) / s);
  }
  return { statistic: u1, pValue: Math.min(1, Math.max(0, p)) };
}

/**
 * P(U ≥ u) under the null for sample sizes m, n. U's counts are the coefficients of the Gaussian binomial
 * [m+n choose m]_q = ∏ᵢ (1 − q^(n+i))/(1 − q^i) (Mann & Whitney 1947; Andrews, The Theory of Partitions,
 * Thm 3.1), built factor by factor in O(m²n) with m the smaller size. By symmetry P(U ≥ u) = P(U ≤ mn − u);
 * the coefficients below q^(n+1) come from additions only, so the small lower tail keeps its relative precision.
 */
function exactUpperTail(u: number, m: number, n: number): number {
  if (m > n) [m, n] = [n, m];
  const k = m * n - u; // P(U ≤ k)
  const c = new Float64Array(m * n + 1);
  c[0] = 1;
  let degree = 0;
  let total = 1; // C(n + i, i) after i factors
  for (let i = 1; i <= m; i++) {
    // × (1 − q^(n+i)), then ÷ (1 − q^i) as a running sum with stride i
    degree += n;
    for (let j = degree; j >= n + i; j--) c[j] -= c[j - n - i];
    for (let j = i; j <= degree; j++) c[j] += c[j - i];
    total = (total * (n + i)) / i;
  }
  let s = 0;
  for (let j = 0; j <= k; j++) s += c[j];
  return s / total;
}
