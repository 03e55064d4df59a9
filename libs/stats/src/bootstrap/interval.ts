/**
 * Confidence intervals from a bootstrap distribution, as SciPy 1.10 `scipy.stats.bootstrap` forms them
 * (scipy/stats/_resampling.py): percentiles of the replicates by numpy's linear interpolation, at α/2 and
 * 1 − α/2 (percentile) or at the BCa-adjusted levels (`_bca_interval`; Efron & Tibshirani 1993, §14.3).
 */
import { normalCdf, normalQuantile } from '../distributions/normal.js';
import { quantile } from '../quantile.js';

export type BootstrapMethod = 'bca' | 'percentile';

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** 1 − confidence level, in (0, 1). */
  alpha: number;
  method: BootstrapMethod;
}

export interface BootstrapEstimate {
  estimate: number;
  /** null when the interval is degenerate: too few values, or replicates that do not vary. */
  ci: [number, number] | null;
}

/**
 * The interval from `replicates` (sorted in place). `acceleration` is the BCa â (ignored for the percentile
 * method). null when the replicates are all equal, or when BCa's bias correction is infinite (every
 * replicate on one side of the estimate), where SciPy warns and returns NaN.
 */
export function bootstrapInterval(
  replicates: Float64Array,
  estimate: number,
  alpha: number,
  method: BootstrapMethod,
  acceleration: number,
): [number, number] | null {
  replicates.sort();
  const b = replicates.length;
  if (b < 2 || replicates[0] === replicates[b - 1]) return null;
  let [lo, hi] = [alpha / 2, 1 - alpha / 2];
  if (method === 'bca') {
    // ẑ₀ = Φ⁻¹ of the fraction of replicates below θ̂, ties counted half (SciPy's `_percentile_of_score`)
    const below = countBelow(replicates, estimate, false);
    const atOrBelow = countBelow(replicates, estimate, true);
    const z0 = normalQuantile((below + atOrBelow) / (2 * b));
    if (!Number.isFinite(z0) || !Number.isFinite(acceleration)) return null;
    const adjust = (z: number) => {
      const num = z0 + z;
      return normalCdf(z0 + num / (1 - acceleration * num));
    };
    const z = normalQuantile(alpha / 2);
    [lo, hi] = [adjust(z), adjust(-z)];
  }
  return [quantile(replicates, lo), quantile(replicates, hi)];
}

/** The number of sorted values < x (or ≤ x when `inclusive`), by binary search. */
function countBelow(sorted: Float64Array, x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x || (inclusive && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * BCa's acceleration for a difference or a single mean from the jackknife in closed form. For a mean the
 * leave-one-out value is (S − xᵢ)/(m − 1), so SciPy's Uᵢ = (m − 1)(θ̄ − θ₍ᵢ₎) is ±(xᵢ − x̄) (the sign set by
 * the sample's sign in the statistic); `_bca_interval` then takes
 * â = Σⱼ Σᵢ Uⱼᵢ³/mⱼ³ / (6·(Σⱼ Σᵢ Uⱼᵢ²/mⱼ²)^{3/2}) over the samples j. `moments` holds, per sample,
 * [sign, m, Σ(x − x̄)², Σ(x − x̄)³].
 */
export function jackknifeAcceleration(moments: readonly (readonly [number, number, number, number])[]): number {
  let num = 0;
  let den = 0;
  for (const [sign, m, m2, m3] of moments) {
    num += (sign * m3) / (m * m * m);
    den += m2 / (m * m);
  }
  return den > 0 ? num / (6 * den ** 1.5) : 0;
}
