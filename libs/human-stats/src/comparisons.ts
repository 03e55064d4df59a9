/**
 * Pairwise preference data: validation, per-player tallies, and the counts per pair of players that the
 * Bradley–Terry likelihood depends on.
 */
import { StatsInputError } from '@assay/stats';

export type PairOutcome = 'a' | 'b' | 'tie';

/** Player indices 0..players-1. */
export interface PairwiseComparison {
  a: number;
  b: number;
  outcome: PairOutcome;
}

export interface Tally {
  wins: number[];
  losses: number[];
  ties: number[];
}

export function requirePlayers(players: number): void {
  if (!Number.isSafeInteger(players) || players < 1)
    throw new StatsInputError('invalid_argument', `players must be a positive integer, got ${players}`);
}

export function tally(players: number, comparisons: readonly PairwiseComparison[]): Tally {
  requirePlayers(players);
  const t: Tally = {
    wins: new Array<number>(players).fill(0),
    losses: new Array<number>(players).fill(0),
    ties: new Array<number>(players).fill(0),
  };
  comparisons.forEach(({ a, b, outcome }, i) => {
    for (const p of [a, b]) {
      if (!Number.isInteger(p) || p < 0 || p >= players)
        throw new StatsInputError('invalid_argument', `comparison ${i} names player ${p}; players are 0..${players - 1}`);
    }
    if (a === b) throw new StatsInputError('invalid_argument', `comparison ${i} compares player ${a} with itself`);
    if (outcome === 'a') [t.wins[a], t.losses[b]] = [t.wins[a] + 1, t.losses[b] + 1];
    else if (outcome === 'b') [t.wins[b], t.losses[a]] = [t.wins[b] + 1, t.losses[a] + 1];
    else if (outcome === 'tie') [t.ties[a], t.ties[b]] = [t.ties[a] + 1, t.ties[b] + 1];
    else throw new StatsInputError('invalid_argument', `comparison ${i} has outcome ${String(outcome)}; expected a, b or tie`);
  });
  return t;
}

/** Outcome counts of each pair of players that met, the lower index first. */
export interface PairCounts {
  low: Int32Array;
  high: Int32Array;
  lowWins: Float64Array;
  highWins: Float64Array;
  ties: Float64Array;
}

/** Aggregates validated comparisons; ties are dropped unless `keepTies`. */
export function pairCounts(players: number, comparisons: readonly PairwiseComparison[], keepTies: boolean): PairCounts {
  const index = new Map<number, number>();
  const low: number[] = [];
  const high: number[] = [];
  const counts: [number, number, number][] = [];
  for (const { a, b, outcome } of comparisons) {
    if (outcome === 'tie' && !keepTies) continue;
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const key = lo * players + hi;
    let k = index.get(key);
    if (k === undefined) {
      k = counts.length;
      index.set(key, k);
      low.push(lo);
      high.push(hi);
      counts.push([0, 0, 0]);
    }
    counts[k][outcome === 'tie' ? 2 : (outcome === 'a') === (a === lo) ? 0 : 1]++;
  }
  return {
    low: Int32Array.from(low),
    high: Int32Array.from(high),
    lowWins: Float64Array.from(counts, (c) => c[0]),
    highWins: Float64Array.from(counts, (c) => c[1]),
    ties: Float64Array.from(counts, (c) => c[2]),
  };
}
