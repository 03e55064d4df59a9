/**
 * Student t tests for a difference of means, two-sided, with their 1 − α confidence intervals.
 */
import { requireAlpha, requireFinite } from '../errors.js';
import { studentTIsf, studentTSf } from '../distributions/student-t.js';
import { meanAndVariance } from '../moments.js';

export interface TTestResult {
  statistic: number;
  df: number;
  pValue: number;
  /** null when the standard error is 0 (no variation): the t statistic and p-value are then NaN, as SciPy's. */
  ci: [number, number] | null;
}

function result(estimate: number, se: number, df: number, alpha: number): TTestResult {
  if (!(se > 0)) return { statistic: NaN, df, pValue: NaN, ci: null };
  const statistic = estimate / se;
  const half = studentTIsf(alpha / 2, df) * se;
  return { statistic, df, pValue: Math.min(1, 2 * studentTSf(Math.abs(statistic), df)), ci: [estimate - half, estimate + half] };
}

/**
 * Welch's unequal-variance t test of mean(b) − mean(a) (b the candidate, a the baseline), with the
 * Welch–Satterthwaite df: SciPy `ttest_ind(b, a, equal_var=False)`; the interval is statsmodels
 * `CompareMeans(b, a).tconfint_diff(usevar='unequal')`.
 */
export function welchTTest(a: ArrayLike<number>, b: ArrayLike<number>, alpha: number): TTestResult {
  requireAlpha(alpha);
  const na = requireFinite(a, 'a', 2);
  const nb = requireFinite(b, 'b', 2);
  const [ma, va] = meanAndVariance(a);
  const [mb, vb] = meanAndVariance(b);
  const [wa, wb] = [va / na, vb / nb];
  const df = (wa + wb) ** 2 / ((wa * wa) / (na - 1) + (wb * wb) / (nb - 1));
  return result(mb - ma, Math.sqrt(wa + wb), df, alpha);
}

/**
 * The one-sample t test of mean(d) = 0 on paired differences: SciPy `ttest_1samp(d, 0)` (= `ttest_rel`);
 * the interval as statsmodels `DescrStatsW(d).tconfint_mean`.
 */
export function pairedTTest(d: ArrayLike<number>, alpha: number): TTestResult {
  requireAlpha(alpha);
  const n = requireFinite(d, 'd', 2);
  const [m, v] = meanAndVariance(d);
  return result(m, Math.sqrt(v / n), n - 1, alpha);
}
