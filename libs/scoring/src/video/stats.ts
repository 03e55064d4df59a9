/** Small helpers shared by the video metrics (not metrics themselves: video/metrics/ holds only metrics). */

/** Linear-interpolated quantile (numpy's default), 0 for an empty list. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (!n) return 0;
  const sorted = Float64Array.from(values).sort();
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
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
