/**
 * Weighted quantiles and spread of per-triangle values, weights = 3D areas, so a number describes the surface
 * rather than the triangulation.
 */
export interface WeightedSummary {
  median: number;
  p5: number;
  p95: number;
  mean: number;
  /** weighted standard deviation ÷ weighted mean */
  cv: number;
}

/**
 * The smallest value whose cumulative weight (of all values ≤ it) reaches q of the total: a binary search over the
 * sorted values, each step one pass (native sorting instead of a comparator sort of indices: 1 M triangles in ms).
 */
function quantileOf(sorted: Float64Array, values: Float64Array, weights: Float64Array, total: number, q: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = sorted[mid];
    let below = 0;
    for (let i = 0; i < values.length; i++) if (values[i] <= x) below += weights[i];
    if (below >= q * total) hi = mid;
    else lo = mid + 1;
  }
  return sorted[lo];
}

export function weightedSummary(values: Float64Array, weights: Float64Array): WeightedSummary | undefined {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    total += weights[i];
    sum += weights[i] * values[i];
  }
  if (!(total > 0)) return undefined;
  const mean = sum / total;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += weights[i] * (values[i] - mean) ** 2;
  const sorted = Float64Array.from(values).sort();
  return {
    median: quantileOf(sorted, values, weights, total, 0.5),
    p5: quantileOf(sorted, values, weights, total, 0.05),
    p95: quantileOf(sorted, values, weights, total, 0.95),
    mean,
    cv: mean !== 0 ? Math.sqrt(sq / total) / Math.abs(mean) : 0,
  };
}
