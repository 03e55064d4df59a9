import { native } from './linalg/backend.js';

/**
 * Inner products of every row of X (nx × d) with every row of Y (ny × d), row-major, in float64: the one
 * expensive step KID, CMMD and PRDC share. Two rows of X at a time share each load of a row of Y. With
 * X = Y only the upper triangle is computed and then mirrored.
 */
export function gram(x: Float64Array, nx: number, y: Float64Array, ny: number, d: number): Float64Array {
  const g = new Float64Array(nx * ny);
  const blas = native();
  if (blas) {
    blas.gemm(g, x, y, nx, ny, d, false, true);
    return g;
  }
  const symmetric = x === y;
  let i = 0;
  for (; i + 1 < nx; i += 2) {
    const a = i * d;
    const b = a + d;
    for (let j = symmetric ? i : 0; j < ny; j++) {
      const c = j * d;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < d; k++) {
        const v = y[c + k];
        s0 += x[a + k] * v;
        s1 += x[b + k] * v;
      }
      g[i * ny + j] = s0;
      g[(i + 1) * ny + j] = s1;
    }
  }
  for (; i < nx; i++) {
    const a = i * d;
    for (let j = symmetric ? i : 0; j < ny; j++) {
      const c = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += x[a + k] * y[c + k];
      g[i * ny + j] = s;
    }
  }
  if (symmetric) for (let r = 1; r < nx; r++) for (let c = 0; c < r; c++) g[r * nx + c] = g[c * nx + r];
  return g;
}

/** Squared norms of the rows of X. */
export function rowSquaredNorms(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = i * d; k < (i + 1) * d; k++) s += x[k] * x[k];
    out[i] = s;
  }
  return out;
}

/** Two embedding sets (row-major float64) with their inner products, computed once for every kernel metric. */
export interface PairedGram {
  d: number;
  nx: number;
  ny: number;
  xx: Float64Array;
  yy: Float64Array;
  xy: Float64Array;
}

export function pairedGram(x: Float64Array, nx: number, y: Float64Array, ny: number, d: number): PairedGram {
  return { d, nx, ny, xx: gram(x, nx, x, nx, d), yy: gram(y, ny, y, ny, d), xy: gram(x, nx, y, ny, d) };
}

/** Diagonal of a square n × n matrix. */
export const diagonal = (m: Float64Array, n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => m[i * n + i]);
