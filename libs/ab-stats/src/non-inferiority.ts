/**
 * Non-inferiority: a one-sided test that the treatment is not worse than the control by more than a margin m.
 * Higher is better: H₀ d ≤ −m against d > −m; lower is better: H₀ d ≥ m against d < m (d = treatment − control).
 * It uses the comparison's own reference distribution (Welch's t with its df, or the normal for a z test), so it
 * is the one-sided counterpart of the comparison's interval: passed ⇔ p < α ⇔ the one-sided bound clears the margin.
 */
import { normalIsf, normalSf, studentTIsf, studentTSf } from '@assay/stats';
import type { MetricComparison } from './compare.js';
import { AbStatsError, requireAlpha } from './errors.js';

export interface NonInferiority {
  /** the margin as given (absolute, or relative to the control estimate) */
  margin: number;
  /** absolute margin used (a relative margin is multiplied by |control estimate|) */
  absoluteMargin: number;
  /** (d + m)/se for higher is better, (m − d)/se for lower is better */
  statistic: number;
  /** the one-sided (1 − alpha) confidence bound of the difference: lower for higher is better, upper otherwise */
  bound: number;
  pValue: number;
  passed: boolean;
}

/** Throws unless exactly one of `absolute` and `relative` is given, ≥ 0 and finite. */
export function nonInferiority(
  comparison: MetricComparison,
  margin: { absolute?: number; relative?: number },
  direction: 'higher_is_better' | 'lower_is_better',
  alpha: number,
): NonInferiority {
  requireAlpha(alpha);
  if ((margin.absolute === undefined) === (margin.relative === undefined))
    throw new AbStatsError('invalid_argument', 'give exactly one of an absolute and a relative margin');
  const given = margin.absolute ?? margin.relative!;
  if (!(given >= 0 && Number.isFinite(given)))
    throw new AbStatsError('invalid_argument', `the margin must be ≥ 0 and finite, got ${given}`);
  const m = margin.absolute ?? given * Math.abs(comparison.control.estimate);
  const { estimate: d, se, df } = comparison.difference;
  const higher = direction === 'higher_is_better';
  const room = higher ? d + m : m - d; // how far the estimate is on the good side of the margin
  const z = comparison.test === 'z';
  const critical = z ? normalIsf(alpha) : studentTIsf(alpha, df);
  const bound = higher ? d - critical * se : d + critical * se;
  if (!(se > 0)) {
    const statistic = room === 0 ? 0 : Math.sign(room) * Infinity;
    return { margin: given, absoluteMargin: m, statistic, bound, pValue: room > 0 ? 0 : 1, passed: room > 0 };
  }
  const statistic = room / se;
  const pValue = z ? normalSf(statistic) : studentTSf(statistic, df);
  return { margin: given, absoluteMargin: m, statistic, bound, pValue, passed: higher ? bound > -m : bound < m };
}
