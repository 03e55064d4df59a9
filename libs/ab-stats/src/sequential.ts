/**
 * Always-valid inference for continuous monitoring: the mixture sequential probability ratio test (mSPRT) of
 * Johari, Koomen, Pekelis & Walsh (2017, "Peeking at A/B Tests") with a normal mixture N(0, τ²) over the true
 * difference θ, which is the normal-mixture confidence sequence of Howard et al. (2021). At a look with
 * estimate θ̂ and variance V,
 *   Λ(θ₀) = √(V/(V + τ²)) · exp(τ²(θ̂ − θ₀)² / (2V(V + τ²))),
 * a nonnegative martingale under θ₀, so by Ville's inequality P(sup Λ ≥ 1/α) ≤ α over all looks. The p-value is
 * 1/Λ(0) and the interval {θ₀ : Λ(θ₀) < 1/α}, θ̂ ± √(V(V + τ²)/τ² · (ln((V + τ²)/V) − 2 ln α)).
 * Both are made monotone (running minimum of p, running intersection of intervals), which keeps the guarantee.
 * The guarantee is asymptotic when V is estimated from the data, as it always is here.
 */
import { AbStatsError, requireAlpha, requirePositive } from './errors.js';

export interface SequentialLook {
  estimate: number;
  variance: number;
}

export interface SequentialResult {
  /** the running intersection; empty (lower > upper) only on the event of probability ≤ α that the data contradict every θ */
  ci: [number, number];
  pValue: number;
}

/** The always-valid interval and p-value (of θ = 0) after each look, in look order. */
export function confidenceSequence(looks: readonly SequentialLook[], alpha: number, tau2: number): SequentialResult[] {
  requireAlpha(alpha);
  requirePositive(tau2, 'tau2');
  let [lower, upper, p] = [-Infinity, Infinity, 1];
  return looks.map(({ estimate, variance: v }, k) => {
    if (!Number.isFinite(estimate)) throw new AbStatsError('non_finite_value', `looks[${k}].estimate is ${estimate}`);
    requirePositive(v, `looks[${k}].variance`);
    const half = Math.sqrt(((v * (v + tau2)) / tau2) * (Math.log1p(tau2 / v) - 2 * Math.log(alpha)));
    lower = Math.max(lower, estimate - half);
    upper = Math.min(upper, estimate + half);
    // ln Λ(0), kept in logs: the exponent grows like N for a real effect
    const logLambda = -0.5 * Math.log1p(tau2 / v) + (tau2 * estimate * estimate) / (2 * v * (v + tau2));
    p = Math.min(p, Math.exp(-logLambda));
    return { ci: [lower, upper], pValue: p };
  });
}

/**
 * τ² = mde²: the mixture's spread is the effect the experiment was planned to detect. Johari et al. show the
 * mSPRT's expected time to reject an effect θ is shortest when τ is of the order of θ; matching it to the MDE
 * makes the test quickest around the effects that matter, at the cost of wider early intervals for much larger ones.
 */
export function mixingVariance(mde: number): number {
  if (!(mde !== 0 && Number.isFinite(mde))) throw new AbStatsError('invalid_argument', `the MDE must be non-zero and finite, got ${mde}`);
  return mde * mde;
}
