/**
 * Lᵀ B L for a symmetric B (n × n) and L (n × r), both row-major: the r × r symmetric result, built from
 * T = B L and then Lᵀ T as rank-one row updates, so every inner loop runs along contiguous memory.
 */
export function congruence(b: Float64Array, l: Float64Array, n: number, r: number): Float64Array {
  const t = new Float64Array(n * r);
  for (let i = 0; i < n; i++) {
    const tRow = i * r;
    for (let j = 0; j < n; j++) {
      const s = b[i * n + j];
      if (s === 0) continue;
      const lRow = j * r;
      for (let c = 0; c < r; c++) t[tRow + c] += s * l[lRow + c];
    }
  }
  const m = new Float64Array(r * r);
  for (let i = 0; i < n; i++) {
    const lRow = i * r;
    const tRow = i * r;
    for (let a = 0; a < r; a++) {
      const la = l[lRow + a];
      if (la === 0) continue;
      const mRow = a * r;
      for (let c = a; c < r; c++) m[mRow + c] += la * t[tRow + c];
    }
  }
  for (let a = 0; a < r; a++) for (let c = a + 1; c < r; c++) m[c * r + a] = m[a * r + c];
  return m;
}
