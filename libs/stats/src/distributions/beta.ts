/* eslint-disable no-loss-of-precision -- constants quoted to the digits Cephes and TOMS 708 publish; the nearest double is meant */
/**
 * The regularized incomplete beta function I_x(a, b), its complement and its inverse: the engine behind
 * the Student t, binomial and Clopper–Pearson computations.
 *
 * Evaluation follows Cephes `incbet` (Moshier; SciPy 1.10's copy): a power series when b·x is small, else
 * one of two continued fractions, on whichever side of the mean converges (the argument pair is swapped
 * when x > a/(a+b)). Two changes for accuracy: the complement is returned directly when it is the small
 * side (no 1 − I cancellation in the tails), and the prefactor x^a (1−x)^b / B(a, b) is formed for large
 * a and b as in DiDonato & Morris (ACM TOMS 708, `brcomp`), from x/x₀ − 1 around the mode x₀ = a/(a+b) and
 * Stirling remainders, rather than from a·ln x + b·ln(1−x) − ln B(a,b), which cancels to ≈1e-12 when a and b
 * are in the thousands (binomial counts of a large run).
 */
import { StatsInputError } from '../errors.js';
import { gamma, lbeta, log1pmxNeg, stirlingDelta } from '../special/gamma.js';

const MACHEP = 1.11022302462515654042e-16; // 2^−53
const BIG = 4.503599627370496e15;
const BIGINV = 2.22044604925031308085e-16;
const LN_SQRT_2PI = 0.91893853320467274178;

/** x^a y^b / B(a, b) with y = 1 − x supplied exactly by the caller. */
function powerPrefactor(a: number, b: number, x: number, y: number): number {
  if (a >= 8 && b >= 8) {
    // TOMS 708 brcomp, a, b ≥ 8: (1/√(2π))·√(b·x₀)·exp(−(a·u + b·v))·exp(−Δ) with u = e₁ − ln(1+e₁), v likewise
    let h: number, x0: number, y0: number, lambda: number;
    if (a <= b) {
      h = a / b;
      x0 = h / (1 + h);
      y0 = 1 / (1 + h);
      lambda = a - (a + b) * x;
    } else {
      h = b / a;
      x0 = 1 / (1 + h);
      y0 = h / (1 + h);
      lambda = (a + b) * y - b;
    }
    let e = -lambda / a;
    const u = Math.abs(e) > 0.6 ? e - Math.log(x / x0) : log1pmxNeg(e);
    e = lambda / b;
    const v = Math.abs(e) > 0.6 ? e - Math.log(y / y0) : log1pmxNeg(e);
    const z = Math.exp(-(a * u + b * v));
    const corr = stirlingDelta(a) + stirlingDelta(b) - stirlingDelta(a + b);
    return Math.exp(-LN_SQRT_2PI) * Math.sqrt(b * x0) * z * Math.exp(-corr);
  }
  const la = a * Math.log(x);
  const lb = b * Math.log(y);
  if (a + b < 171 && Math.abs(la) < 700 && Math.abs(lb) < 700) {
    return (Math.pow(x, a) * Math.pow(y, b)) / ((gamma(a) / gamma(a + b)) * gamma(b));
  }
  return Math.exp(la + lb - lbeta(a, b));
}

/** Power series for I_x(a, b) when b·x ≤ 1 and x ≤ 0.95 (Cephes pseries). */
function pseries(a: number, b: number, x: number): number {
  const ai = 1 / a;
  let u = (1 - b) * x;
  let v = u / (a + 1);
  const t1 = v;
  let t = u;
  let n = 2;
  let s = 0;
  const z = MACHEP * ai;
  while (Math.abs(v) > z) {
    u = ((n - b) * x) / n;
    t *= u;
    v = t / (a + n);
    s += v;
    n += 1;
  }
  s += t1;
  s += ai;
  const lx = a * Math.log(x);
  if (a + b < 171 && Math.abs(lx) < 700) return (s * Math.pow(x, a)) / ((gamma(a) / gamma(a + b)) * gamma(b));
  return Math.exp(lx - lbeta(a, b) + Math.log(s));
}

/** Continued fraction #1 (Cephes incbcf), for x·(a+b−2) < a − 1. */
function incbcf(a: number, b: number, x: number): number {
  return cephesFraction(x, [a, a + b, a, a + 1, 1, b - 1, a + 1, a + 2], 1, -1);
}

/** Continued fraction #2 (Cephes incbd), in z = x/(1−x). */
function incbd(a: number, b: number, x: number, y: number): number {
  return cephesFraction(x / y, [a, b - 1, a, a + 1, 1, a + b, a + 1, a + 2], -1, 1);
}

/**
 * The loop Cephes' incbcf and incbd share: two convergent steps per iteration in v with coefficients
 * k1…k8, which advance the same way except k2 and k6 (by `step2` and `step6`), rescaled to stay in range.
 */
function cephesFraction(
  v: number,
  k: [number, number, number, number, number, number, number, number],
  step2: number,
  step6: number,
): number {
  let [k1, k2, k3, k4, k5, k6, k7, k8] = k;
  let pkm2 = 0,
    qkm2 = 1,
    pkm1 = 1,
    qkm1 = 1,
    ans = 1,
    r = 1;
  const thresh = 3 * MACHEP;
  for (let n = 0; n < 10000; n++) {
    let xk = -(v * k1 * k2) / (k3 * k4);
    let pk = pkm1 + pkm2 * xk;
    let qk = qkm1 + qkm2 * xk;
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    xk = (v * k5 * k6) / (k7 * k8);
    pk = pkm1 + pkm2 * xk;
    qk = qkm1 + qkm2 * xk;
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    if (qk !== 0) r = pk / qk;
    let t = 1;
    if (r !== 0) {
      t = Math.abs((ans - r) / r);
      ans = r;
    }
    if (t < thresh) break;
    k1 += 1;
    k2 += step2;
    k3 += 2;
    k4 += 2;
    k5 += 1;
    k6 += step6;
    k7 += 2;
    k8 += 2;
    if (Math.abs(qk) + Math.abs(pk) > BIG) {
      pkm2 *= BIGINV;
      pkm1 *= BIGINV;
      qkm2 *= BIGINV;
      qkm1 *= BIGINV;
    }
    if (Math.abs(qk) < BIGINV || Math.abs(pk) < BIGINV) {
      pkm2 *= BIG;
      pkm1 *= BIG;
      qkm2 *= BIG;
      qkm1 *= BIG;
    }
  }
  return ans;
}

/** I_x(a, b) for x at or below the mean (the side where the expansions converge and the value is not near 1). */
function lowerSide(a: number, b: number, x: number, y: number): number {
  if (b * x <= 1 && x <= 0.95) return pseries(a, b, x);
  const w = x * (a + b - 2) - (a - 1) < 0 ? incbcf(a, b, x) : incbd(a, b, x, y) / y;
  return (powerPrefactor(a, b, x, y) / a) * w;
}

/**
 * I_x(a, b) (upper = false) or 1 − I_x(a, b) (upper = true), with y = 1 − x passed by callers that know it
 * more precisely than 1 − x (e.g. the Student t tail, where x = ν/(ν + t²) and y = t²/(ν + t²)).
 */
export function incompleteBeta(a: number, b: number, x: number, y: number, upper: boolean): number {
  if (x <= 0) return upper ? 1 : 0;
  if (y <= 0) return upper ? 0 : 1;
  if (x > a / (a + b)) {
    [a, b, x, y] = [b, a, y, x];
    upper = !upper;
  }
  const t = lowerSide(a, b, x, y);
  return upper ? 1 - t : t;
}

function checkShape(a: number, b: number): void {
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new StatsInputError('invalid_argument', `beta shape parameters must be positive and finite, got a=${a}, b=${b}`);
  }
}

/** I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  checkShape(a, b);
  if (Number.isNaN(x)) return NaN;
  return incompleteBeta(a, b, x, 1 - x, false);
}

/** 1 − I_x(a, b) = P(X > x), computed directly. */
export function regularizedBetaComplement(x: number, a: number, b: number): number {
  checkShape(a, b);
  if (Number.isNaN(x)) return NaN;
  return incompleteBeta(a, b, x, 1 - x, true);
}

/** Density x^(a−1) (1−x)^(b−1) / B(a, b). */
function density(a: number, b: number, x: number, y: number): number {
  return powerPrefactor(a, b, x, y) / (x * y);
}

/**
 * Finds t with I_t(a, b) = target (survival = false) or 1 − I_t(a, b) = target (survival = true), for a
 * solution known to lie at or below the mean a/(a+b), so t keeps full relative precision. Halley steps kept
 * inside a shrinking bracket; a bisection step (geometric when the bracket spans orders of magnitude)
 * whenever a step would leave it. Ends within ≈1 ulp of t.
 */
function solveLowerSide(a: number, b: number, target: number, survival: boolean): number {
  const lowerProb = survival ? 1 - target : target;
  let t: number;
  if (lowerProb < 0.05) {
    // I_t ≈ t^a / (a·B(a, b)) for small t
    t = Math.exp((Math.log(lowerProb) + Math.log(a) + lbeta(a, b)) / a);
  } else {
    const s = a + b;
    t = a / s + normalQuantileApprox(lowerProb) * Math.sqrt((a * b) / (s * s * (s + 1)));
  }
  const mean = a / (a + b);
  if (!(t > 0 && t <= mean)) t = 0.5 * mean;
  let lo = 0;
  let hi = mean;
  for (let iter = 0; iter < 300; iter++) {
    const f = incompleteBeta(a, b, t, 1 - t, survival) - target;
    if (f === 0) return t;
    // the CDF rises with t, the survival function falls
    if (f < 0 !== survival) lo = t;
    else hi = t;
    const d = density(a, b, t, 1 - t) * (survival ? -1 : 1);
    let next = NaN;
    if (d !== 0 && Number.isFinite(d)) {
      const newton = f / d;
      // Halley: f''/f' = (a−1)/t − (b−1)/(1−t)
      const denom = 1 - 0.5 * newton * ((a - 1) / t - (b - 1) / (1 - t));
      next = t - (denom > 0.5 && denom < 2 ? newton / denom : newton);
    }
    if (!(next > lo && next < hi)) next = lo > 0 ? (hi / lo > 4 ? Math.sqrt(lo * hi) : 0.5 * (lo + hi)) : hi / 16;
    if (Math.abs(next - t) <= 2 * Number.EPSILON * t) return next;
    t = next;
    if (hi - lo <= 2 * Number.EPSILON * hi) return t;
  }
  return t;
}

/** A rough Φ⁻¹ for starting values only (Abramowitz & Stegun 26.2.23, |error| < 4.5e-4). */
function normalQuantileApprox(p: number): number {
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  const x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  return p < 0.5 ? -x : x;
}

/**
 * [x, 1 − x] with P(X ≤ x) = p (upper = false) or P(X > x) = p (upper = true), X ~ Beta(a, b); both
 * returned because whichever is small is the one solved for, at full relative precision.
 */
export function betaQuantilePair(p: number, a: number, b: number, upper: boolean): [number, number] {
  if (p <= 0) return upper ? [1, 0] : [0, 1];
  if (p >= 1) return upper ? [0, 1] : [1, 0];
  // is the solution at or below the mean? compare with the probability at the mean
  const atMean = incompleteBeta(a, b, a / (a + b), b / (a + b), upper);
  const belowMean = upper ? p >= atMean : p <= atMean;
  if (belowMean) {
    const x = solveLowerSide(a, b, p, upper);
    return [x, 1 - x];
  }
  // else solve for y = 1 − x, below the mean of 1 − X ~ Beta(b, a); P(X ≤ x) = P(1 − X ≥ y)
  const y = solveLowerSide(b, a, p, !upper);
  return [1 - y, y];
}

/** The p-quantile of Beta(a, b): the x with I_x(a, b) = p. */
export function betaQuantile(p: number, a: number, b: number): number {
  checkShape(a, b);
  if (!(p >= 0 && p <= 1)) return NaN;
  return betaQuantilePair(p, a, b, false)[0];
}

/** The x with P(X > x) = q for X ~ Beta(a, b) (inverse survival function; exact for small q). */
export function betaIsf(q: number, a: number, b: number): number {
  checkShape(a, b);
  if (!(q >= 0 && q <= 1)) return NaN;
  return betaQuantilePair(q, a, b, true)[0];
}
