/* eslint-disable no-loss-of-precision -- constants quoted to the digits Cephes and TOMS 708 publish; the nearest double is meant */
/**
 * The standard normal distribution. erf/erfc and ndtri are Cephes' (S. L. Moshier, ndtr.c / ndtri.c as in
 * SciPy 1.10, rational approximations with ≈1e-16 relative error); erfc additionally forms exp(−x²) from
 * an exactly representable x² split (Cephes `expx2`), so the far tail keeps full relative accuracy
 * (Φ(−37) ≈ 5.7e-300 to ≈1e-15). Tails are computed directly: normalSf(x) never forms 1 − Φ(x).
 */
import { p1evl, polevl } from '../special/polynomial.js';

const SQRT1_2 = Math.SQRT1_2;
const S2PI = 2.50662827463100050242; // √(2π)

// erfc on [1, 8): exp(−x²)·P(x)/Q(x); on [8, ∞): exp(−x²)·R(x)/S(x)
const P = [
  2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687, 4.86371970985681366614e1, 1.96520832956077098242e2,
  5.26445194995477358631e2, 9.3452852717195760754e2, 1.02755188689515710272e3, 5.57535335369399327526e2,
];
const Q = [
  1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2, 9.75708501743205489753e2, 1.82390916687909736289e3,
  2.24633760818710981792e3, 1.65666309194161350182e3, 5.57535340817727675546e2,
];
const R = [
  5.64189583547755073984e-1, 1.27536670759978104416, 5.01905042251180477414, 6.16021097993053585195, 7.4097426995044893916,
  2.9788666537210024067,
];
const S = [
  2.2605286322011727659, 9.39603524938001434673, 1.20489539808096656605e1, 1.70814450747565897222e1, 9.60896809063285878198,
  3.3690764510008151605,
];
// erf on [0, 1]: x·T(x²)/U(x²)
const T = [9.60497373987051638749, 9.00260197203842689217e1, 2.23200534594684319226e3, 7.00332514112805075473e3, 5.55923013010394962768e4];
const U = [
  3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3, 2.26290000613890934246e4, 4.92673942608635921086e4,
];

/**
 * exp(−x²) without the rounding of x² magnified by the exponential (Cephes expx2): x = m + f with m a
 * multiple of 1/128, so m² is exact and exp(−m²)·exp(−(2mf + f²)) carries ≈2 ulp.
 */
function expNegSquare(x: number): number {
  x = Math.abs(x);
  const m = Math.round(x * 128) / 128;
  const f = x - m;
  return Math.exp(-m * m) * Math.exp(-(2 * m * f + f * f));
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return -erf(-x);
  if (x > 1) return 1 - erfc(x);
  const z = x * x;
  return (x * polevl(z, T)) / p1evl(z, U);
}

export function erfc(a: number): number {
  if (Number.isNaN(a)) return NaN;
  const x = Math.abs(a);
  if (x < 1) return 1 - erf(a);
  if (x > 27.3) return a < 0 ? 2 : 0; // exp(−x²) underflows past 745
  const z = expNegSquare(x);
  const y = x < 8 ? (z * polevl(x, P)) / p1evl(x, Q) : (z * polevl(x, R)) / p1evl(x, S);
  return a < 0 ? 2 - y : y;
}

/** Φ(x) = P(Z ≤ x). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const t = x * SQRT1_2;
  if (Math.abs(t) < SQRT1_2) return 0.5 + 0.5 * erf(t);
  const y = 0.5 * erfc(Math.abs(t));
  return t > 0 ? 1 - y : y;
}

/** 1 − Φ(x) = P(Z > x), computed as Φ(−x) (no cancellation in the upper tail). */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

// ndtri: |p − ½| ≤ 3/8 as a rational function in (p − ½)²; tails in z = √(−2 ln p)
const P0 = [
  -5.99633501014107895267e1, 9.80010754185999661536e1, -5.66762857469070293439e1, 1.39312609387279679503e1, -1.23916583867381258016,
];
const Q0 = [
  1.95448858338141759834, 4.67627912898881538453, 8.63602421390890590575e1, -2.25462687854119370527e2, 2.00260212380060660359e2,
  -8.20372256168333339912e1, 1.59056225126211695515e1, -1.18331621121330003142,
];
const P1 = [
  4.05544892305962419923, 3.15251094599893866154e1, 5.71628192246421288162e1, 4.408050738932008347e1, 1.46849561928858024014e1,
  2.18663306850790267539, -1.40256079171354495875e-1, -3.50424626827848203418e-2, -8.57456785154685413611e-4,
];
const Q1 = [
  1.57799883256466749731e1, 4.53907635128879210584e1, 4.1317203825467203044e1, 1.50425385692907503408e1, 2.50464946208309415979,
  -1.42182922854787788574e-1, -3.80806407691578277194e-2, -9.33259480895457427372e-4,
];
const P2 = [
  3.2377489177694603597, 6.91522889068984211695, 3.93881025292474443415, 1.33303460815807542389, 2.01485389549179081538e-1,
  1.23716634817820021358e-2, 3.01581553508235416007e-4, 2.65806974686737550832e-6, 6.2397453918498329373e-9,
];
const Q2 = [
  6.02427039364742014255, 3.67983563856160859403, 1.37702099489081330271, 2.1623699359449663589e-1, 1.34204006088543189037e-2,
  3.28014464682127739104e-4, 2.89247864745380683936e-6, 6.79019408009981274425e-9,
];
const EXP_M2 = 0.13533528323661269189; // e^−2

/** The lower-tail quantile for p ≤ ½ (p small keeps full relative precision). */
function lowerTailQuantile(p: number): number {
  if (p > EXP_M2) {
    const y = p - 0.5;
    const y2 = y * y;
    return (y + y * ((y2 * polevl(y2, P0)) / p1evl(y2, Q0))) * S2PI;
  }
  const x = Math.sqrt(-2 * Math.log(p));
  const x0 = x - Math.log(x) / x;
  const z = 1 / x;
  const x1 = x < 8 ? (z * polevl(z, P1)) / p1evl(z, Q1) : (z * polevl(z, P2)) / p1evl(z, Q2);
  return -(x0 - x1);
}

/** Φ⁻¹(p): the x with Φ(x) = p. For upper-tail probabilities near 0 use normalIsf, which keeps their precision. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 1 - EXP_M2) return -lowerTailQuantile(1 - p);
  return lowerTailQuantile(p);
}

/** The x with P(Z > x) = q (inverse survival function), −Φ⁻¹(q) without forming 1 − q. */
export function normalIsf(q: number): number {
  return -normalQuantile(q);
}
