import { createRequire } from 'node:module';

/** The system BLAS/LAPACK kernels @assay/distribution uses when this addon is built (all float64, row-major, in place). */
export interface NativeLinalg {
  /** m2 (d × d, upper triangle) += alpha · A Aᵀ for A (d × k) */
  syrkUpper(m2: Float64Array, d: number, a: Float64Array, k: number, alpha: number): void;
  /** m2 (upper triangle) += alpha · x xᵀ */
  syrUpper(m2: Float64Array, d: number, x: Float64Array, alpha: number): void;
  /** out (m × n) = op(A) op(B), op transposing when asked; A is m × k and B k × n after op */
  gemm(out: Float64Array, a: Float64Array, b: Float64Array, m: number, n: number, k: number, transA: boolean, transB: boolean): void;
  /** the eigenvalues of the symmetric a (n × n, overwritten) into w, ascending (LAPACK dsyevd) */
  eigvalsh(a: Float64Array, n: number, w: Float64Array): void;
}

/**
 * The addon `npm run build` compiles with node-gyp against the system's OpenBLAS (Debian libopenblas-dev), or
 * undefined where it was not built (no compiler or no OpenBLAS): callers then use their pure TypeScript
 * routes, which give the same numbers to rounding. ASSAY_LINALG=js forces those routes (benchmarks, tests).
 */
function load(): NativeLinalg | undefined {
  if (process.env.ASSAY_LINALG === 'js') return undefined;
  try {
    return createRequire(import.meta.url)('../build/Release/assay_linalg.node') as NativeLinalg;
  } catch {
    return undefined;
  }
}

export const nativeLinalg: NativeLinalg | undefined = load();
