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

/** The smallest value whose cumulative weight reaches q of the total (values and weights of equal length). */
function quantileOf(order: Uint32Array, values: Float64Array, weights: Float64Array, total: number, q: number): number {
  let acc = 0;
  for (const i of order) {
    acc += weights[i];
    if (acc >= q * total) return values[i];
  }
  return values[order[order.length - 1]];
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
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);
  return {
    median: quantileOf(order, values, weights, total, 0.5),
    p5: quantileOf(order, values, weights, total, 0.05),
    p95: quantileOf(order, values, weights, total, 0.95),
    mean,
    cv: mean !== 0 ? Math.sqrt(sq / total) / Math.abs(mean) : 0,
  };
}
