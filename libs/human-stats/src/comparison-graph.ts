/**
 * When the Bradley–Terry MLE exists (Zermelo 1929, Ford 1957): the players must form one connected graph
 * of comparisons, and no group of players may go unbeaten by everyone outside it — the directed graph with
 * an edge from each winner to each loser (both ways for a tie, when ties are modelled) must be strongly
 * connected. Otherwise the likelihood keeps growing as the unbeaten group's strengths go to +∞.
 *
 * Davidson's ties add a second way to diverge: ν → ∞ while the strengths spread out. The log-likelihood is
 * concave with slopes ≤ 0 along every ray, so the MLE is missing exactly when some ray (δθ, δν) leaves every
 * observed outcome's probability bounded away from 0. With δν = 0 that is the unbeaten group above; with
 * δ log ν = ½ it is a δθ with δθ_i − δθ_j ≥ 1 for every win of i over j and |δθ_i − δθ_j| ≤ 1 for every tie
 * — a system of difference constraints, infeasible exactly when its constraint graph has a negative cycle
 * (Bellman–Ford): a cycle of comparisons with more wins than ties along it. Two players with 2 wins and a
 * tie have no MLE, for example; with a win each way they do.
 *
 * The library refuses such data with a ComparisonGraphError rather than regularizing it, so a strength is
 * always an MLE.
 */
import { StatsInputError } from '@assay/stats';
import type { PairCounts } from './comparisons.js';

export type ComparisonGraphProblem =
  | 'disconnected' // `players` are not linked to player 0 by any chain of comparisons
  | 'never_wins' // `players` lost every comparison they took part in
  | 'never_loses' // `players` won every comparison they took part in
  | 'unbeaten_group' // `players` never lost to anyone outside their group
  | 'no_decisive_outcome' // every comparison is a tie: the tie parameter has no finite MLE
  | 'unbounded_ties'; // no cycle of comparisons has more wins than ties: ν and the strengths' spread diverge together

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
  if (tiesModelled && !hasNegativeCycle(players, counts)) {
    fail('unbounded_ties', [], 'no cycle of comparisons has more wins than ties, so the ties can be explained by ever larger ν');
  }
}

/** Bellman–Ford from a virtual source on the constraints x_j ≤ x_i − 1 (i beat j) and |x_i − x_j| ≤ 1 (a tie). */
function hasNegativeCycle(players: number, counts: PairCounts): boolean {
  const edges: [number, number, number][] = [];
  counts.low.forEach((lo, k) => {
    const hi = counts.high[k];
    if (counts.lowWins[k] > 0) edges.push([lo, hi, -1]);
    if (counts.highWins[k] > 0) edges.push([hi, lo, -1]);
    if (counts.ties[k] > 0) edges.push([lo, hi, 1], [hi, lo, 1]);
  });
  const distance = new Float64Array(players);
  for (let round = 0; round < players; round++) {
    let relaxed = false;
    for (const [from, to, weight] of edges) {
      if (distance[from] + weight < distance[to]) {
        distance[to] = distance[from] + weight;
        relaxed = true;
      }
    }
    if (!relaxed) return false;
  }
  return true;
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
