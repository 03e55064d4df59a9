/**
 * Binomial(n, p) tails through the incomplete beta function (Abramowitz & Stegun 26.5.24):
 * P(X ≤ k) = I_{1−p}(n − k, k + 1) and P(X > k) = I_p(k + 1, n − k), each evaluated on its own side so
 * neither tail is formed as 1 − the other.
 */
import { requireCount, requireProbability, StatsInputError } from '../errors.js';
import { incompleteBeta } from './beta.js';

function check(k: number, n: number, p: number): void {
  requireCount(n, 'n');
  requireProbability(p, 'p');
  if (!Number.isFinite(k) || Number.isNaN(k)) throw new StatsInputError('invalid_argument', `k must be finite, got ${k}`);
}

/** P(X ≤ k) for X ~ Binomial(n, p); k is floored, as for any discrete CDF. */
export function binomialCdf(k: number, n: number, p: number): number {
  check(k, n, p);
  k = Math.floor(k);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  // P(X ≤ k) = 1 − I_p(k+1, n−k)
  return incompleteBeta(k + 1, n - k, p, 1 - p, true);
}

/** P(X > k) for X ~ Binomial(n, p), computed directly. */
export function binomialSf(k: number, n: number, p: number): number {
  check(k, n, p);
  k = Math.floor(k);
  if (k < 0) return 1;
  if (k >= n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  return incompleteBeta(k + 1, n - k, p, 1 - p, false);
}
