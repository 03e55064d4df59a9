import { native } from './backend.js';

/** Rows of the inner dimension taken per sweep: a 32-row panel of a 1280-wide operand (330 KB) stays in L2. */
const PANEL = 32;

/**
 * Lᵀ B L for a symmetric B (n × n) and L (n × r), both row-major: the r × r symmetric result, built from
 * T = B L and then Lᵀ T as row updates (inner loops along contiguous memory), in panels of PANEL rows of
 * the inner dimension so the operand being read stays in cache while every output row passes over it.
 */
export function congruence(b: Float64Array, l: Float64Array, n: number, r: number): Float64Array {
  const t = new Float64Array(n * r);
  const blas = native();
  if (blas) {
    const m = new Float64Array(r * r);
    blas.gemm(t, b, l, n, r, n, false, false);
    blas.gemm(m, l, t, r, r, n, true, false);
    return m;
  }
  for (let j0 = 0; j0 < n; j0 += PANEL) {
    const j1 = Math.min(n, j0 + PANEL);
    for (let i = 0; i < n; i++) {
      const tRow = i * r;
      for (let j = j0; j < j1; j++) {
        const s = b[i * n + j];
        if (s === 0) continue;
        const lRow = j * r;
        for (let c = 0; c < r; c++) t[tRow + c] += s * l[lRow + c];
      }
    }
  }
  const m = new Float64Array(r * r);
  for (let i0 = 0; i0 < n; i0 += PANEL) {
    const i1 = Math.min(n, i0 + PANEL);
    for (let a = 0; a < r; a++) {
      const mRow = a * r;
      for (let i = i0; i < i1; i++) {
        const la = l[i * r + a];
        if (la === 0) continue;
        const tRow = i * r;
        for (let c = a; c < r; c++) m[mRow + c] += la * t[tRow + c];
      }
    }
  }
  for (let a = 0; a < r; a++) for (let c = a + 1; c < r; c++) m[c * r + a] = m[a * r + c];
  return m;
}
