import { requireAlpha } from '@assay/stats';
import { tally, type PairwiseComparison } from './comparisons.js';
import { halfCountWilson } from './wilson.js';

export interface WinRate {
  wins: number;
  losses: number;
  ties: number;
  n: number;
  /** (wins + ties/2)/n; NaN for a player with no comparisons. */
  rate: number;
  /** Wilson interval of the rate, a tie counting half a win; [0, 1] for a player with no comparisons. */
  ci: [number, number];
}

export function winRates(players: number, comparisons: readonly PairwiseComparison[], opts: { confidence?: number } = {}): WinRate[] {
  const { confidence = 0.95 } = opts;
  requireAlpha(confidence, 'confidence');
  const { wins, losses, ties } = tally(players, comparisons);
  return wins.map((w, p) => {
    const n = w + losses[p] + ties[p];
    const score = w + ties[p] / 2;
    return { wins: w, losses: losses[p], ties: ties[p], n, rate: score / n, ci: n === 0 ? [0, 1] : halfCountWilson(score, n, confidence) };
  });
}
