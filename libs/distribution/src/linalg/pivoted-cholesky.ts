/**
 * Cholesky factor of a symmetric positive semi-definite matrix with complete pivoting (LAPACK dpstrf's
 * algorithm, outer-product form): A ≈ L Lᵀ with L of size n × rank, stopping when the largest remaining
 * diagonal falls to n · ε · max(diag A), LAPACK's default tolerance. A covariance of fewer samples than
 * dimensions is singular; its rank (at most samples − 1) comes out here instead of a failed factorization.
 *
 * `a` is n × n row-major and is only read. L is row-major n × rank, rows in the original order.
 */
export function pivotedCholesky(a: Float64Array, n: number): { l: Float64Array; rank: number } {
  const diag = new Float64Array(n);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    diag[i] = a[i * n + i];
    maxDiag = Math.max(maxDiag, diag[i]);
  }
  const tol = n * 2 ** -52 * maxDiag;
  // rows in original order, columns up to n: built column by column, so row i's first k entries are ready
  const work = new Float64Array(n * n);
  const piv = Int32Array.from({ length: n }, (_, i) => i);
  let rank = 0;
  for (let k = 0; k < n; k++) {
    let best = k;
    for (let j = k + 1; j < n; j++) if (diag[piv[j]] > diag[piv[best]]) best = j;
    const p = piv[best];
    if (!(diag[p] > tol)) break;
    piv[best] = piv[k];
    piv[k] = p;
    const lkk = Math.sqrt(diag[p]);
    const pRow = p * n;
    work[pRow + k] = lkk;
    for (let j = k + 1; j < n; j++) {
      const i = piv[j];
      const iRow = i * n;
      let s = a[iRow + p];
      for (let m = 0; m < k; m++) s -= work[iRow + m] * work[pRow + m];
      const v = s / lkk;
      work[iRow + k] = v;
      diag[i] -= v * v;
    }
    rank = k + 1;
  }
  const l = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) l.set(work.subarray(i * n, i * n + rank), i * rank);
  return { l, rank };
}
