/**
 * Standardized effect sizes. Both are NaN when the standard deviation they divide by is 0.
 */
import { requireFinite } from './errors.js';
import { meanAndVariance } from './moments.js';

/**
 * Hedges' g of b (candidate) minus a (baseline): the difference of means over the pooled sd, times the
 * small-sample correction J = 1 − 3/(4(n₁ + n₂) − 9) (Hedges 1981, the usual approximation to Γ-ratio J).
 */
export function hedgesG(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = requireFinite(a, 'a', 2);
  const nb = requireFinite(b, 'b', 2);
  const [ma, va] = meanAndVariance(a);
  const [mb, vb] = meanAndVariance(b);
  const pooled = Math.sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2));
  const j = 1 - 3 / (4 * (na + nb) - 9);
  return pooled > 0 ? ((mb - ma) / pooled) * j : NaN;
}

/** Cohen's d_z for paired differences: mean(d)/sd(d) (Cohen 1988, §2.3.5). */
export function cohensDz(d: ArrayLike<number>): number {
  requireFinite(d, 'd', 2);
  const [m, v] = meanAndVariance(d);
  return v > 0 ? m / Math.sqrt(v) : NaN;
}
