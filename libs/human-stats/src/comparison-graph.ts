/**
 * When the Bradley–Terry MLE exists (Zermelo 1929, Ford 1957): the players must form one connected graph
 * of comparisons, and no group of players may go unbeaten by everyone outside it — the directed graph with
 * an edge from each winner to each loser (both ways for a tie, when ties are modelled) must be strongly
 * connected. Otherwise the likelihood keeps growing as the unbeaten group's strengths go to +∞. The library
 * refuses such data with a ComparisonGraphError rather than regularizing it, so a strength is always an MLE.
 */
import { StatsInputError } from '@assay/stats';
import type { PairCounts } from './comparisons.js';

export type ComparisonGraphProblem =
  | 'disconnected' // `players` are not linked to player 0 by any chain of comparisons
  | 'never_wins' // `players` lost every comparison they took part in
  | 'never_loses' // `players` won every comparison they took part in
  | 'unbeaten_group' // `players` never lost to anyone outside their group
  | 'no_decisive_outcome'; // every comparison is a tie: the tie parameter has no finite MLE

export class ComparisonGraphError extends StatsInputError {
  constructor(
    readonly problem: ComparisonGraphProblem,
    readonly players: number[],
    message: string,
  ) {
    super('invalid_argument', message);
  }
}

export function requireMleExists(players: number, counts: PairCounts, tiesModelled: boolean): void {
  const beats: number[][] = Array.from({ length: players }, () => []);
  const beatenBy: number[][] = Array.from({ length: players }, () => []);
  const linked: number[][] = Array.from({ length: players }, () => []);
  let decisive = 0;
  counts.low.forEach((lo, k) => {
    const hi = counts.high[k];
    const tie = tiesModelled && counts.ties[k] > 0;
    linked[lo].push(hi);
    linked[hi].push(lo);
    if (counts.lowWins[k] > 0 || tie) {
      beats[lo].push(hi);
      beatenBy[hi].push(lo);
    }
    if (counts.highWins[k] > 0 || tie) {
      beats[hi].push(lo);
      beatenBy[lo].push(hi);
    }
    decisive += counts.lowWins[k] + counts.highWins[k];
  });
  const fail = (problem: ComparisonGraphProblem, group: number[], what: string) => {
    throw new ComparisonGraphError(problem, group, `no Bradley–Terry MLE: ${what}`);
  };
  const unlinked = unreached(linked);
  if (unlinked.length > 0) fail('disconnected', unlinked, `players ${unlinked.join(', ')} are not connected to player 0 by comparisons`);
  if (decisive === 0) fail('no_decisive_outcome', [], 'every comparison is a tie');
  const neverWins = range(players).filter((p) => beats[p].length === 0);
  if (neverWins.length > 0) fail('never_wins', neverWins, `players ${neverWins.join(', ')} never won`);
  const neverLoses = range(players).filter((p) => beatenBy[p].length === 0);
  if (neverLoses.length > 0) fail('never_loses', neverLoses, `players ${neverLoses.join(', ')} never lost`);
  // the players 0 cannot reach along "beat" edges never lost to those it can reach
  const outOfReach = unreached(beats);
  if (outOfReach.length > 0) fail('unbeaten_group', outOfReach, `players ${outOfReach.join(', ')} never lost to the others`);
  // the players with a chain of wins to 0 (0 included) never lost to the others
  const noPathTo0 = new Set(unreached(beatenBy));
  const group = range(players).filter((p) => !noPathTo0.has(p));
  if (noPathTo0.size > 0) fail('unbeaten_group', group, `players ${group.join(', ')} never lost to the others`);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The nodes not reachable from node 0. */
function unreached(edges: number[][]): number[] {
  const seen = new Uint8Array(edges.length);
  const stack = [0];
  seen[0] = 1;
  while (stack.length > 0) {
    for (const next of edges[stack.pop()!]) {
      if (!seen[next]) {
        seen[next] = 1;
        stack.push(next);
      }
    }
  }
  return range(edges.length).filter((p) => !seen[p]);
}
