/**
 * Student's t distribution for any real df > 0 (Welch's df is not an integer). The tail is
 * P(T > |t|) = ½·I_x(ν/2, ½) with x = ν/(ν + t²) (Abramowitz & Stegun 26.7.1, Cephes stdtr), evaluated with
 * both x and 1 − x = t²/(ν + t²) formed directly; the quantile inverts the same relation with the beta
 * quantile on whichever side keeps precision. df = Infinity is the standard normal.
 */
import { StatsInputError } from '../errors.js';
import { betaQuantilePair, incompleteBeta } from './beta.js';
import { normalCdf, normalQuantile } from './normal.js';

function checkDf(df: number): void {
  if (!(df > 0)) throw new StatsInputError('invalid_argument', `degrees of freedom must be positive, got ${df}`);
}

/** P(T > |t|), the one-sided tail beyond |t|. */
function tail(t: number, df: number): number {
  const t2 = t * t;
  // x = ν/(ν+t²) and y = t²/(ν+t²); when t² ≪ ν the tail is ≈ ½ and I_x is computed through its complement
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  return 0.5 * incompleteBeta(df / 2, 0.5, x, y, false);
}

/** P(T ≤ t). */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (df === Infinity) return normalCdf(t);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const p = tail(t, df);
  return t < 0 ? p : 1 - p;
}

/** P(T > t), computed directly (no 1 − cdf). */
export function studentTSf(t: number, df: number): number {
  return studentTCdf(-t, df);
}

/** The t with P(T > t) = q for q ≤ ½: the upper-tail quantile, positive. */
function upperQuantile(q: number, df: number): number {
  if (q === 0.5) return 0;
  // 2q = I_x(ν/2, ½) with x = ν/(ν+t²). When 2q is not small, x is near 1 and t small: solve for y = 1 − x
  // instead, from 1 − 2q = I_y(½, ν/2), so t² = ν·y/(1 − y) keeps its relative precision.
  if (2 * q < 0.5) {
    const [x, y] = betaQuantilePair(2 * q, df / 2, 0.5, false);
    return Math.sqrt((df * y) / x);
  }
  const [y, x] = betaQuantilePair(1 - 2 * q, 0.5, df / 2, false);
  return Math.sqrt((df * y) / x);
}

/** The p-quantile: the t with P(T ≤ t) = p. */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p >= 0 && p <= 1)) return NaN;
  if (df === Infinity) return normalQuantile(p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  return p < 0.5 ? -upperQuantile(p, df) : upperQuantile(1 - p, df);
}

/** The t with P(T > t) = q (inverse survival function), without forming 1 − q. */
export function studentTIsf(q: number, df: number): number {
  checkDf(df);
  if (!(q >= 0 && q <= 1)) return NaN;
  if (df === Infinity) return -normalQuantile(q);
  if (q === 0) return Infinity;
  if (q === 1) return -Infinity;
  return q <= 0.5 ? upperQuantile(q, df) : -upperQuantile(1 - q, df);
}
