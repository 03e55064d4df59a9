/**
 * A percentile-bootstrap interval for the ratio of two quantiles, quantile_p(B)/quantile_p(A) (e.g. the
 * candidate's p95 latency over the baseline's), without resampling whole samples.
 *
 * The type-7 p-quantile of a resample needs only its order statistics k and k + 1 (k = ⌊(n − 1)p⌋ + 1).
 * A resample is F̂⁻¹(U₁), …, F̂⁻¹(Uₙ) for iid uniforms and the empirical quantile function F̂⁻¹(u) =
 * x₍⌈nu⌉₎ is non-decreasing, so its k-th order statistic is F̂⁻¹(U₍ₖ₎) with U₍ₖ₎ ~ Beta(k, n + 1 − k); given
 * U₍ₖ₎ = u the other n − k uniforms are iid on (u, 1), so U₍ₖ₊₁₎ = u + (1 − u)·(1 − V^{1/(n−k)}), V uniform
 * (Devroye 1986, Non-Uniform Random Variate Generation, §V.3). The pair is drawn exactly, in O(1) per
 * resample instead of O(n).
 */
import { requireAlpha, requireProbability, StatsInputError } from '../errors.js';
import { quantile } from '../quantile.js';
import { createRng, type Rng } from '../rng.js';
import type { BootstrapEstimate } from './interval.js';

export interface QuantileRatioOptions {
  resamples: number;
  seed: number;
  alpha: number;
}

/** The p-quantile (type 7) of one bootstrap resample of ascending `sorted`. */
function resampledQuantile(rng: Rng, sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const h = (n - 1) * p;
  const k = Math.floor(h) + 1; // 1-based rank of the lower order statistic
  const frac = h - (k - 1);
  const at = (u: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(n * u) - 1))];
  const u = rng.beta(k, n + 1 - k);
  const lower = at(u);
  if (frac === 0 || k >= n) return lower;
  const next = u + (1 - u) * (1 - Math.pow(1 - rng.nextFloat(), 1 / (n - k)));
  const upper = at(next);
  return lower + (upper - lower) * frac;
}

/**
 * quantile_p(sortedB)/quantile_p(sortedA) (both ascending) with a percentile bootstrap interval, each side
 * resampled independently. ci null when the ratio is not finite (a zero baseline quantile) or the replicates
 * do not vary; a replicate with a zero denominator makes the interval null too.
 */
export function bootstrapQuantileRatio(
  sortedA: ArrayLike<number>,
  sortedB: ArrayLike<number>,
  p: number,
  opts: QuantileRatioOptions,
): BootstrapEstimate {
  requireProbability(p, 'p');
  requireAlpha(opts.alpha);
  if (!(Number.isSafeInteger(opts.resamples) && opts.resamples >= 2)) {
    throw new StatsInputError('invalid_argument', `resamples must be an integer ≥ 2, got ${opts.resamples}`);
  }
  if (!sortedA.length || !sortedB.length) throw new StatsInputError('empty_sample', 'both samples need at least one value');
  const estimate = quantile(sortedB, p) / quantile(sortedA, p);
  if (!Number.isFinite(estimate)) return { estimate, ci: null };
  const rng = createRng(opts.seed);
  const reps = new Float64Array(opts.resamples);
  for (let r = 0; r < opts.resamples; r++) {
    const a = resampledQuantile(rng, sortedA, p);
    const b = resampledQuantile(rng, sortedB, p);
    if (a === 0) return { estimate, ci: null };
    reps[r] = b / a;
  }
  reps.sort();
  if (reps[0] === reps[reps.length - 1]) return { estimate, ci: null };
  return { estimate, ci: [quantile(reps, opts.alpha / 2), quantile(reps, 1 - opts.alpha / 2)] };
}
