/**
 * Rank correlations between a judge's scores and human ones, with SciPy 1.10's p-values and Fisher-z
 * confidence intervals: tanh(atanh(r) ± z·SE) with
 * - Spearman: Bonett & Wright (2000, Psychometrika 65:23) SE = √((1 + r²/2)/(n − 3)), which holds its level
 *   under moderate correlations where Fieller's 1.06/(n − 3) does not;
 * - Kendall τ-b: Fieller, Hartley & Pearson (1957, Biometrika 44:470) var(atanh τ) = 0.437/(n − 4), SE its root.
 * Constant input has no correlation: the estimate, p-value and interval are then NaN.
 */
import { normalIsf, normalSf, requireAlpha, requireFinite, StatsInputError, studentTSf } from '@assay/stats';

export interface Correlation {
  estimate: number;
  ci: [number, number];
  pValue: number;
  n: number;
}

/** Spearman's ρ on average ranks; p-value from t = ρ√((n − 2)/(1 − ρ²)) on n − 2 df as scipy.stats.spearmanr. Needs n ≥ 4. */
export function spearman(x: readonly number[], y: readonly number[], opts: { confidence?: number } = {}): Correlation {
  const n = requirePaired(x, y, 4);
  const { confidence = 0.95 } = opts;
  requireAlpha(confidence, 'confidence');
  const r = pearson(averageRanks(x), averageRanks(y));
  const df = n - 2;
  // SciPy's form of t, so that |ρ| = 1 gives t = ∞ and p = 0
  const t = r * Math.sqrt(Math.max(df / ((r + 1) * (1 - r)), 0));
  const pValue = 2 * studentTSf(Math.abs(t), df);
  return { estimate: r, ci: fisherInterval(r, Math.sqrt((1 + (r * r) / 2) / (n - 3)), confidence), pValue, n };
}

/**
 * Kendall's τ-b by Knight's O(n log n) algorithm (1966, JASA 61:436): sort by (x, y), count the pairs tied in x
 * and in both, then count discordant pairs as the swaps of a merge sort on y. The p-value is SciPy's
 * kendalltau(method='asymptotic'): z = (concordant − discordant)/√var with the tie-corrected variance. Needs n ≥ 5.
 */
export function kendallTauB(x: readonly number[], y: readonly number[], opts: { confidence?: number } = {}): Correlation {
  const n = requirePaired(x, y, 5);
  const { confidence = 0.95 } = opts;
  requireAlpha(confidence, 'confidence');
  // sort the (x, y) pairs as single numbers, x's dense rank · levels + y's, by the typed array's native sort
  const [rx, ry] = [denseRanks(x), denseRanks(y)];
  const levels = ry.levels;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = rx.ranks[i] * levels + ry.ranks[i];
  keys.sort();
  const [xs, ys] = [new Float64Array(n), new Float64Array(n)];
  for (let i = 0; i < n; i++) {
    xs[i] = Math.floor(keys[i] / levels);
    ys[i] = keys[i] % levels;
  }
  const xTies = tieSums(xs);
  let jointTies = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && xs[j] === xs[i] && ys[j] === ys[i]) j++;
    jointTies += ((j - i) * (j - i - 1)) / 2;
    i = j;
  }
  const discordant = mergeSortSwaps(ys);
  const yTies = tieSums(ys);
  const total = (n * (n - 1)) / 2;
  const s = total - xTies.pairs - yTies.pairs + jointTies - 2 * discordant;
  const tau = s / Math.sqrt((total - xTies.pairs) * (total - yTies.pairs));
  const m = n * (n - 1);
  const variance =
    (m * (2 * n + 5) - xTies.v1 - yTies.v1) / 18 + (2 * xTies.pairs * yTies.pairs) / m + (xTies.v0 * yTies.v0) / (9 * m * (n - 2));
  const pValue = 2 * normalSf(Math.abs(s / Math.sqrt(variance)));
  return { estimate: tau, ci: fisherInterval(tau, Math.sqrt(0.437 / (n - 4)), confidence), pValue, n };
}

function requirePaired(x: readonly number[], y: readonly number[], minLength: number): number {
  if (x.length !== y.length) throw new StatsInputError('length_mismatch', `x has ${x.length} values and y ${y.length}`);
  requireFinite(x, 'x', minLength);
  return requireFinite(y, 'y', minLength);
}

function fisherInterval(r: number, se: number, confidence: number): [number, number] {
  if (Math.abs(r) === 1) return [r, r];
  const z = normalIsf((1 - confidence) / 2);
  const centre = Math.atanh(r);
  return [Math.tanh(centre - z * se), Math.tanh(centre + z * se)];
}

/** 1-based ranks, ties given the mean of the ranks they span: (first + last position in the sorted copy)/2 + 1. */
function averageRanks(values: readonly number[]): Float64Array {
  const sorted = Float64Array.from(values).sort();
  // typed-array loops: Float64Array.from with a map function is an order of magnitude slower in V8
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) ranks[i] = (lowerBound(sorted, values[i]) + upperBound(sorted, values[i]) + 1) / 2;
  return ranks;
}

/** Each value's index among the distinct values, and how many distinct values there are. */
function denseRanks(values: readonly number[]): { ranks: Float64Array; levels: number } {
  const sorted = Float64Array.from(values).sort();
  let levels = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[levels++] = sorted[i];
  const distinct = sorted.subarray(0, levels);
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) ranks[i] = lowerBound(distinct, values[i]);
  return { ranks, levels };
}

/** The first index whose value is ≥ v. */
function lowerBound(sorted: Float64Array, v: number): number {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose value is > v. */
function upperBound(sorted: Float64Array, v: number): number {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pearson(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let [sxy, sxx, syy] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Over the tie groups (sizes t) of sorted values: Σ t(t−1)/2, Σ t(t−1)(t−2) and Σ t(t−1)(2t+5), SciPy's xtie, x0, x1. */
function tieSums(sorted: Float64Array): { pairs: number; v0: number; v1: number } {
  let [pairs, v0, v1] = [0, 0, 0];
  for (let i = 0; i < sorted.length;) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    const t = j - i;
    pairs += (t * (t - 1)) / 2;
    v0 += t * (t - 1) * (t - 2);
    v1 += t * (t - 1) * (2 * t + 5);
    i = j;
  }
  return { pairs, v0, v1 };
}

/** Sorts `a` in place (bottom-up merge sort) and returns how many pairs i < j had a[i] > a[j]. */
function mergeSortSwaps(a: Float64Array): number {
  const n = a.length;
  let src: Float64Array = a;
  let dst: Float64Array = new Float64Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let [i, j, k] = [lo, mid, lo];
      while (i < mid && j < hi) {
        if (src[j] < src[i]) {
          swaps += mid - i;
          dst[k++] = src[j++];
        } else dst[k++] = src[i++];
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    [src, dst] = [dst, src];
  }
  if (src !== a) a.set(src);
  return swaps;
}
