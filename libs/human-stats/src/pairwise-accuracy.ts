import { requireAlpha, StatsInputError } from '@assay/stats';
import type { PairOutcome } from './comparisons.js';
import { halfCountWilson } from './wilson.js';

export interface PairwiseAccuracy {
  /** NaN when no pair has a human preference. */
  accuracy: number;
  /** Wilson interval, a score tie counting half; [0, 1] when n = 0. */
  ci: [number, number];
  /** Pairs with a human preference (human ties are left out). */
  n: number;
  /** Of those, pairs the scores tie on (each counted as half right). */
  scoreTies: number;
}

/** How often a judge's scores order a pair the way the human did: the share of non-tie human pairs, score ties counting half. */
export function pairwiseAccuracy(
  pairs: readonly { scoreA: number; scoreB: number; preferred: PairOutcome }[],
  opts: { confidence?: number } = {},
): PairwiseAccuracy {
  const { confidence = 0.95 } = opts;
  requireAlpha(confidence, 'confidence');
  let n = 0;
  let right = 0;
  let scoreTies = 0;
  pairs.forEach(({ scoreA, scoreB, preferred }, i) => {
    if (!Number.isFinite(scoreA) || !Number.isFinite(scoreB))
      throw new StatsInputError('non_finite_value', `pair ${i} has scores ${scoreA}, ${scoreB}`);
    if (preferred !== 'a' && preferred !== 'b' && preferred !== 'tie') {
      throw new StatsInputError('invalid_argument', `pair ${i} has preferred ${String(preferred)}; expected a, b or tie`);
    }
    if (preferred === 'tie') return;
    n++;
    if (scoreA === scoreB) scoreTies++;
    else if (scoreA > scoreB === (preferred === 'a')) right++;
  });
  if (pairs.length === 0) throw new StatsInputError('empty_sample', 'no pairs');
  const score = right + scoreTies / 2;
  return { accuracy: score / n, ci: n === 0 ? [0, 1] : halfCountWilson(score, n, confidence), n, scoreTies };
}
