/**
 * Confidence intervals for a binomial proportion and for differences of two proportions.
 */
import { requireAlpha, requireCount, StatsInputError } from '../errors.js';
import { betaIsf, betaQuantile } from '../distributions/beta.js';
import { normalIsf } from '../distributions/normal.js';

function requireTrials(x: number, n: number): void {
  requireCount(x, 'x');
  requireCount(n, 'n');
  if (n === 0) throw new StatsInputError('invalid_argument', 'n must be at least 1');
  if (x > n) throw new StatsInputError('invalid_argument', `x (${x}) exceeds n (${n})`);
}

/**
 * Wilson's score interval (Wilson 1927), written as statsmodels 0.13 `proportion_confint(method='wilson')`:
 * centre (p̂ + z²/2n)/(1 + z²/n), half-width z·√(p̂(1−p̂)/n + z²/4n²)/(1 + z²/n).
 */
export function wilsonInterval(x: number, n: number, alpha: number): [number, number] {
  requireTrials(x, n);
  requireAlpha(alpha);
  const z = normalIsf(alpha / 2);
  const z2 = z * z;
  const p = x / n;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [center - half, center + half];
}

/**
 * The exact one-sided upper bound for a proportion (Clopper & Pearson 1934): the `confidence` quantile of
 * Beta(x + 1, n − x), and 1 when x = n.
 */
export function clopperPearsonUpper(x: number, n: number, confidence: number): number {
  requireTrials(x, n);
  requireAlpha(confidence, 'confidence');
  return x === n ? 1 : betaQuantile(confidence, x + 1, n - x);
}

/** The two-sided exact interval, as statsmodels `proportion_confint(method='beta')`: Beta(x, n−x+1) and Beta(x+1, n−x) tails of α/2. */
export function clopperPearsonInterval(x: number, n: number, alpha: number): [number, number] {
  requireTrials(x, n);
  requireAlpha(alpha);
  const lower = x === 0 ? 0 : betaQuantile(alpha / 2, x, n - x + 1);
  const upper = x === n ? 1 : betaIsf(alpha / 2, x + 1, n - x);
  return [lower, upper];
}

/**
 * p₂ − p₁ for independent samples by Newcombe's hybrid score method (Newcombe 1998, Stat Med 17:873,
 * method 10): the Wilson limits of each proportion combined by "square and add". Sample 2 is the
 * candidate, sample 1 the baseline; equal to statsmodels `confint_proportions_2indep(x2, n2, x1, n1,
 * method='newcomb', compare='diff')`.
 */
export function newcombeDiffInterval(x1: number, n1: number, x2: number, n2: number, alpha: number): [number, number] {
  requireTrials(x1, n1);
  requireTrials(x2, n2);
  requireAlpha(alpha);
  const [p1, p2] = [x1 / n1, x2 / n2];
  const [l1, u1] = wilsonInterval(x1, n1, alpha);
  const [l2, u2] = wilsonInterval(x2, n2, alpha);
  const diff = p2 - p1;
  return [diff - Math.hypot(p2 - l2, u1 - p1), diff + Math.hypot(u2 - p2, p1 - l1)];
}

/**
 * p_cand − p_base for paired binary outcomes (a 2×2 table of pairs) by Newcombe's score method for paired
 * data (Newcombe 1998, Stat Med 17:2635, method 10): the Wilson limits of both marginal proportions
 * combined by square and add, less the covariance term 2φ·d₁·d₂. φ is the table's phi coefficient with
 * Newcombe's continuity adjustment: (AD − BC − n/2)/√(margins) when AD − BC > n/2, 0 when 0 ≤ AD − BC ≤ n/2,
 * the plain φ when AD − BC < 0, and 0 when a margin is empty.
 */
export function newcombePairedDiffInterval(
  both: number,
  candOnly: number,
  baseOnly: number,
  neither: number,
  alpha: number,
): [number, number] {
  for (const [v, what] of [
    [both, 'both'],
    [candOnly, 'candOnly'],
    [baseOnly, 'baseOnly'],
    [neither, 'neither'],
  ] as const) {
    requireCount(v, what);
  }
  requireAlpha(alpha);
  const n = both + candOnly + baseOnly + neither;
  if (n === 0) throw new StatsInputError('invalid_argument', 'the table of pairs is empty');
  const xc = both + candOnly;
  const xb = both + baseOnly;
  const [pc, pb] = [xc / n, xb / n];
  const [lc, uc] = wilsonInterval(xc, n, alpha);
  const [lb, ub] = wilsonInterval(xb, n, alpha);
  const margins = xc * (n - xc) * xb * (n - xb);
  const det = both * neither - candOnly * baseOnly;
  let phi = 0;
  if (margins > 0) {
    if (det > n / 2) phi = (det - n / 2) / Math.sqrt(margins);
    else if (det < 0) phi = det / Math.sqrt(margins);
  }
  const diff = pc - pb;
  const lowerSq = (pc - lc) ** 2 - 2 * phi * (pc - lc) * (ub - pb) + (ub - pb) ** 2;
  const upperSq = (pb - lb) ** 2 - 2 * phi * (pb - lb) * (uc - pc) + (uc - pc) ** 2;
  return [diff - Math.sqrt(lowerSq), diff + Math.sqrt(upperSq)];
}
