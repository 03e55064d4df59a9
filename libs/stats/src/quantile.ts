/**
 * Sample quantiles of sorted data, and a distribution-free confidence interval for a population quantile.
 */
import { requireAlpha, requireProbability, StatsInputError } from './errors.js';
import { binomialCdf, binomialSf } from './distributions/binomial.js';

/** The p-quantile of ascending `sorted` by linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default); NaN when empty. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  requireProbability(p, 'p');
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  if (frac === 0 || lo + 1 >= n) return sorted[lo];
  // numpy's `_lerp`: a + (b − a)·t, from the far end when t ≥ ½, which keeps the result inside [a, b]
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const d = b - a;
  return frac >= 0.5 ? b - d * (1 - frac) : a + d * frac;
}

/**
 * A confidence interval [X(l), X(u)] for the population p-quantile ξ from order statistics, free of any
 * distributional assumption: B = #{X ≤ ξ} ~ Binomial(n, p) for continuous data, so the interval covers ξ
 * with probability P(l ≤ B < u) (Conover, Practical Nonparametric Statistics, 3rd ed., §3.2). The ranks
 * are equal-tailed — l the largest with P(B < l) ≤ α/2, u the smallest with P(B ≥ u) ≤ α/2 — so the
 * coverage is at least 1 − α. When one tail cannot reach α/2 inside the sample (extreme p, small n) the
 * other tail takes the remaining α; null when even the widest interval [X(1), X(n)] covers less than 1 − α.
 */
export function quantileInterval(sorted: ArrayLike<number>, p: number, alpha: number): [number, number] | null {
  requireAlpha(alpha);
  if (!(p > 0 && p < 1)) throw new StatsInputError('invalid_argument', `p must be in (0, 1), got ${p}`);
  const n = sorted.length;
  if (n === 0) return null;
  const below = (l: number) => binomialCdf(l - 1, n, p); // P(B < l)
  const above = (u: number) => binomialSf(u - 1, n, p); // P(B ≥ u)
  if (below(1) + above(n) > alpha) return null;
  let l = largestRank(n, (k) => below(k) <= alpha / 2);
  let u = smallestRank(n, (k) => above(k) <= alpha / 2);
  if (l === 0) l = 1;
  if (u === n + 1) u = n;
  if (l === 1 && below(1) > alpha / 2) u = smallestRank(n, (k) => above(k) <= alpha - below(1));
  else if (u === n && above(n) > alpha / 2) l = largestRank(n, (k) => below(k) <= alpha - above(n));
  return [sorted[l - 1], sorted[u - 1]];
}

/** The largest k in [1, n] with ok(k) (ok falls from true to false as k grows), or 0 if none. */
function largestRank(n: number, ok: (k: number) => boolean): number {
  let lo = 0;
  let hi = n + 1; // ok(lo) holds (vacuously for 0), ok(hi) fails
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The smallest k in [1, n] with ok(k) (ok rises from false to true as k grows), or n + 1 if none. */
function smallestRank(n: number, ok: (k: number) => boolean): number {
  let lo = 0;
  let hi = n + 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
