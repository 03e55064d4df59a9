/* eslint-disable no-loss-of-precision -- constants quoted to the digits Cephes and TOMS 708 publish; the nearest double is meant */
/**
 * Gamma-function pieces for the incomplete beta function, for positive arguments only. Rational
 * approximations from Cephes (S. L. Moshier, gamma.c, as shipped in SciPy 1.10); the large-argument
 * log-beta follows DiDonato & Morris (ACM TOMS 708, 1992: `betaln`, `algdiv`), which keeps the cancelling
 * ln Γ terms out of the arithmetic so ln B(a, b) stays accurate when a or b is in the thousands.
 */
import { p1evl, polevl } from './polynomial.js';

const LN_SQRT_2PI = 0.91893853320467274178; // ln √(2π)

// Cephes gamma.c: Γ(x) on [2, 3] as P/Q
const GP = [
  1.60119522476751861407e-4, 1.19135147006586384913e-3, 1.04213797561761569935e-2, 4.76367800457137231464e-2, 2.0744822764843597515e-1,
  4.94214826801497100753e-1, 9.99999999999999996796e-1,
];
const GQ = [
  -2.31581873324120129819e-5, 5.39605580493303397842e-4, -4.45641913851797240494e-3, 1.18139785222060435552e-2, 3.58236398605498653373e-2,
  -2.34591795718243348568e-1, 7.14304917030273074085e-2, 1.0000000000000000032,
];
// Cephes gamma.c: ln Γ(x) on [2, 3] as x·B/C
const LB = [
  -1.378251525691208591e3, -3.88016315134637840924e4, -3.31612992738871184744e5, -1.16237097492762307383e6, -1.72173700820839662146e6,
  -8.53555664245765465627e5,
];
const LC = [
  -3.51815701436523470549e2, -1.70642106651881159223e4, -2.20528590553854454839e5, -1.13933444367982507207e6, -2.53252307177582951285e6,
  -2.01889141433532773231e6,
];

/** Γ(x) for 0 < x ≤ 171.6 (above that it overflows a double). Cephes `Gamma`, positive branch. */
export function gamma(x: number): number {
  if (x >= 171.624376956302725) return Infinity;
  if (x > 33) return Math.exp(lgamma(x));
  let z = 1;
  while (x >= 3) {
    x -= 1;
    z *= x;
  }
  while (x < 2) {
    if (x < 1e-9) return z / ((1 + 0.5772156649015329 * x) * x);
    z /= x;
    x += 1;
  }
  if (x === 2) return z;
  x -= 2;
  return (z * polevl(x, GP)) / polevl(x, GQ);
}

/**
 * ln Γ(x) − [(x − ½) ln x − x + ln √(2π)] for x ≥ 8: the Stirling remainder, from its Bernoulli-number
 * series Σ B₂ₖ / (2k(2k−1) x^(2k−1)); ten terms reach double precision for x ≥ 8.
 */
export function stirlingDelta(x: number): number {
  const t = 1 / (x * x);
  // B2k/(2k(2k−1)) for k = 1..10
  const c = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400, 43867 / 244188, -174611 / 125400];
  let s = 0;
  for (let k = c.length - 1; k >= 0; k--) s = s * t + c[k];
  return s / x;
}

/** ln Γ(x) for x > 0. Cephes `lgam` below 13 (rational approximation on [2, 3]); Stirling with its remainder above. */
export function lgamma(x: number): number {
  if (x < 13) {
    let z = 1;
    let p = 0;
    let u = x;
    while (u >= 3) {
      p -= 1;
      u = x + p;
      z *= u;
    }
    while (u < 2) {
      z /= u;
      p += 1;
      u = x + p;
    }
    if (u === 2) return Math.log(z);
    const w = x + (p - 2);
    return Math.log(z) + (w * polevl(w, LB)) / p1evl(w, LC);
  }
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingDelta(x);
}

/**
 * ln Γ(b) − ln Γ(a + b) for b ≥ 8 without forming either (TOMS 708 `algdiv`):
 * −(b − ½)·ln(1 + a/b) − a·ln(a + b) + a + δ(b) − δ(a + b), δ the Stirling remainder.
 */
export function lgammaRatio(a: number, b: number): number {
  return -(b - 0.5) * Math.log1p(a / b) - a * Math.log(a + b) + a + (stirlingDelta(b) - stirlingDelta(a + b));
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b) for a, b > 0. */
export function lbeta(a: number, b: number): number {
  if (a > b) [a, b] = [b, a];
  if (a >= 8) {
    // TOMS 708 betaln, both large: −½ ln b + ln √(2π) + Δ + (a − ½) ln(a/(a+b)) − b·ln(1 + a/b)
    const corr = stirlingDelta(a) + stirlingDelta(b) - stirlingDelta(a + b);
    return -0.5 * Math.log(b) + LN_SQRT_2PI + corr + (a - 0.5) * Math.log(a / (a + b)) - b * Math.log1p(a / b);
  }
  if (b >= 8) return lgamma(a) + lgammaRatio(a, b);
  return Math.log((gamma(a) / gamma(a + b)) * gamma(b));
}

/** x − ln(1 + x) for x > −1, accurate near 0 where the two terms cancel (TOMS 708 `rlog1`, via the atanh series). */
export function log1pmxNeg(x: number): number {
  if (Math.abs(x) > 0.5) return x - Math.log1p(x);
  // ln(1+x) = 2·atanh(r), r = x/(2+x); x − 2r = r·x, so x − ln(1+x) = r·x − 2(r³/3 + r⁵/5 + …)
  const r = x / (2 + x);
  const r2 = r * r;
  let term = r * r2;
  let s = 0;
  for (let k = 3; k < 60; k += 2) {
    const add = term / k;
    s += add;
    if (Math.abs(add) <= 1e-17 * Math.abs(s)) break;
    term *= r2;
  }
  return r * x - 2 * s;
}
