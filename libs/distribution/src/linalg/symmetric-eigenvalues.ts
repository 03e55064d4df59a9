import { native } from './backend.js';

/**
 * Eigenvalues of a real symmetric matrix: LAPACK dsyevd when the OpenBLAS addon is built; otherwise Householder
 * reduction to tridiagonal form, then the implicit QL method (EISPACK's tred2/tql2 as JAMA transcribes them,
 * without accumulating eigenvectors). The reduction
 * reads the lower triangle column by column; the matrix is stored row-major, so it reads the upper triangle
 * row by row instead (the same numbers by symmetry) and runs along contiguous memory.
 *
 * `a` (n × n, row-major, symmetric) is overwritten. Eigenvalues come back ascending.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  const lapack = native();
  if (lapack) {
    const w = new Float64Array(n);
    if (n) lapack.eigvalsh(a, n, w);
    return w;
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(a, n, d, e);
  qlImplicit(d, e, n);
  return d.sort();
}

/** Householder tridiagonalization: on return d is the diagonal, e[1..n-1] the subdiagonal. */
function tridiagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  // w[j * n + k] (k ≥ j) stands for JAMA's V[k][j]
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) d[j] = w[j * n + i - 1];
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = f > 0 ? -Math.sqrt(h) : Math.sqrt(h);
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      e.fill(0, 0, i);
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j];
        g = e[j] + w[row + j] * f;
        for (let k = j + 1; k < i; k++) {
          const v = w[row + k];
          g += v * d[k];
          e[k] += v * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const row = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k < i; k++) w[row + k] -= f * e[k] + g * d[k];
        d[j] = w[row + i - 1];
      }
    }
  }
  for (let j = 0; j < n; j++) d[j] = w[j * n + j];
  e[0] = 0;
}

/** The implicit QL iteration on the tridiagonal (d, e): eigenvalues into d. */
function qlImplicit(d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  const eps = 2 ** -52;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      for (let iter = 0; ; iter++) {
        if (iter > 60) throw new Error(`symmetric eigenvalues: QL did not converge at ${l} of ${n}`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (Math.abs(e[l]) <= eps * tst1) break;
      }
    }
    d[l] += f;
    e[l] = 0;
  }
}
