/** Small numeric helpers shared by metrics (not metrics themselves). */

/** Linear-interpolated quantile of ascending values (numpy's default method), 0 for an empty list. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (!n) return 0;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Linear-interpolated quantile (numpy's default method), 0 for an empty list. */
export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileOfSorted(Float64Array.from(values).sort(), q);
}

/**
 * Cosine similarity of two embeddings of one model. A zero vector has no direction, so it is similar to
 * nothing: 0. Embeddings of different sizes come from different models: an error, never a truncation.
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`embedding sizes differ: ${a.length} and ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

export function mean(values: ArrayLike<number>): number {
  const n = values.length;
  if (!n) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  return s / n;
}

export function min(values: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] < m) m = values[i];
  return m;
}

/** Rounds for details (keeps JSON small and readable). */
export const round = (v: number, digits = 4): number => Number(v.toFixed(digits));
