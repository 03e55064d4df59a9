/**
 * Krippendorff's α by the coincidence-matrix algorithm ("Computing Krippendorff's Alpha-Reliability", 2011):
 * α = 1 − (n − 1)·Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, where unit u adds (pairs of values c, k in u)/(m_u − 1) to
 * o_ck and n_c are the coincidence marginals. The sums are taken in closed form instead of over the c × k
 * matrix, so that continuous interval data and bootstrap resamples cost O(ratings):
 * - nominal: the disagreeing ordered pairs of a unit are m_u² − Σ_c n_uc², and Σ_{c≠k} n_c n_k = n² − Σ n_c²;
 * - interval: Σ over ordered pairs of (x_i − x_j)² is 2m·SS (SS the sum of squares about the mean);
 * - ordinal: Krippendorff's δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)² equals (M_k − M_c)² with the mid-rank
 *   M_c = Σ_{g<c} n_g + n_c/2 of the marginals, so ordinal α is interval α on mid-ranks.
 */
import { readUnits, requireLevel, unitCount, type AgreementLevel, type RatingMatrix, type Units } from './ratings.js';

/**
 * α of the pairable items (unpairable ones, with fewer than two ratings, are dropped). NaN when fewer than two
 * pairable ratings exist or all of them are equal: with no variation α is 0/0, undefined (Krippendorff).
 */
export function krippendorffAlpha(m: RatingMatrix, level: AgreementLevel): number {
  requireLevel(level);
  return alphaOfUnits(readUnits(m), level, null);
}

/** α with each unit counted `weight[u]` times (bootstrap resamples), or once when weight is null. */
export function alphaOfUnits(units: Units, level: AgreementLevel, weight: Float64Array | null): number {
  if (level === 'nominal') return nominalAlpha(units, weight);
  const marginals = level === 'ordinal' ? categoryMarginals(units, weight) : null;
  const scores = marginals ? midRanks(marginals) : units.values;
  return intervalAlpha(units, scores, weight);
}

/** n_c: how often each value occurs among pairable ratings (weighted). */
export function categoryMarginals(units: Units, weight: Float64Array | null): Float64Array {
  const n = new Float64Array(units.values.length);
  const { start, category } = units;
  for (let u = 0; u < unitCount(units); u++) {
    const w = weight ? weight[u] : 1;
    if (w === 0) continue;
    for (let i = start[u]; i < start[u + 1]; i++) n[category[i]] += w;
  }
  return n;
}

function nominalAlpha(units: Units, weight: Float64Array | null): number {
  const { start, agreeingPairs } = units;
  let observed = 0;
  let n = 0;
  for (let u = 0; u < unitCount(units); u++) {
    const w = weight ? weight[u] : 1;
    if (w === 0) continue;
    const m = start[u + 1] - start[u];
    observed += (w * (m * m - agreeingPairs[u])) / (m - 1);
    n += w * m;
  }
  let sumSq = 0;
  for (const nc of categoryMarginals(units, weight)) sumSq += nc * nc;
  return 1 - ((n - 1) * observed) / (n * n - sumSq);
}

function midRanks(marginals: Float64Array): Float64Array {
  const mid = new Float64Array(marginals.length);
  let below = 0;
  for (let c = 0; c < marginals.length; c++) {
    mid[c] = below + marginals[c] / 2;
    below += marginals[c];
  }
  return mid;
}

/** Interval α of `scores[category]`: within-unit sums of squares against the pooled one (within + between, for stability). */
function intervalAlpha(units: Units, scores: Float64Array, weight: Float64Array | null): number {
  const { start, category } = units;
  const count = unitCount(units);
  const means = new Float64Array(count);
  let observed = 0;
  let within = 0;
  let n = 0;
  let total = 0;
  for (let u = 0; u < count; u++) {
    const w = weight ? weight[u] : 1;
    if (w === 0) continue;
    const m = start[u + 1] - start[u];
    let sum = 0;
    for (let i = start[u]; i < start[u + 1]; i++) sum += scores[category[i]];
    const mean = sum / m;
    let ss = 0;
    for (let i = start[u]; i < start[u + 1]; i++) ss += (scores[category[i]] - mean) ** 2;
    means[u] = mean;
    observed += (w * 2 * m * ss) / (m - 1);
    within += w * ss;
    n += w * m;
    total += w * sum;
  }
  const grand = total / n;
  let between = 0;
  for (let u = 0; u < count; u++) {
    const w = weight ? weight[u] : 1;
    if (w !== 0) between += w * (start[u + 1] - start[u]) * (means[u] - grand) ** 2;
  }
  return 1 - ((n - 1) * observed) / (2 * n * (within + between));
}
