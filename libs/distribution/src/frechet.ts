import { AssayError, ErrorCode } from '@assay/contracts';
import { congruence } from './linalg/congruence.js';
import { pivotedCholesky } from './linalg/pivoted-cholesky.js';
import { symmetricEigenvalues } from './linalg/symmetric-eigenvalues.js';
import { covariance, flushMoments, type Moments } from './moments.js';

export interface FrechetResult {
  /** ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr √(Σ₁Σ₂) */
  value: number;
  meanTerm: number;
  /** tr √(Σ₁Σ₂) */
  traceSqrt: number;
  /** rank of the covariance that was factored (at most its sample count − 1) */
  rank: number;
}

/**
 * The Fréchet distance between Gaussians fitted to two embedding sets (FID's formula, Heusel et al. 2017).
 *
 * tr √(Σ₁Σ₂) is the sum of square roots of the eigenvalues of Σ₁Σ₂. With Σ₁ = L Lᵀ (pivoted Cholesky, so a
 * singular Σ₁ gives L of its rank r), Σ₁Σ₂ = L (Lᵀ Σ₂ L) L⁻¹ on its range: its non-zero eigenvalues are those of
 * the r × r symmetric positive semi-definite Lᵀ Σ₂ L, found by a symmetric eigensolver. This is the symmetric
 * route (like √Σ₁ Σ₂ √Σ₁) without a matrix square root: nothing goes complex when n < d or Σ is
 * ill-conditioned, where scipy.linalg.sqrtm of the non-symmetric Σ₁Σ₂ does. The set with fewer samples is
 * factored, so with n < d the eigenproblem is only (n − 1) × (n − 1).
 */
export function frechetDistance(a: Moments, b: Moments): FrechetResult {
  if (a.dims !== b.dims) throw new AssayError(ErrorCode.EmbeddingMismatch, `embedding sets of ${a.dims} and ${b.dims} dimensions`);
  const d = a.dims;
  flushMoments(a);
  flushMoments(b);
  const [small, large] = a.n <= b.n ? [a, b] : [b, a];
  const s1 = covariance(small);
  const s2 = covariance(large);
  let meanTerm = 0;
  let traces = 0;
  for (let i = 0; i < d; i++) {
    const diff = a.mean[i] - b.mean[i];
    meanTerm += diff * diff;
    traces += s1[i * d + i] + s2[i * d + i];
  }
  const { l, rank } = pivotedCholesky(s1, d);
  let traceSqrt = 0;
  if (rank) for (const lambda of symmetricEigenvalues(congruence(s2, l, d, rank), rank)) if (lambda > 0) traceSqrt += Math.sqrt(lambda);
  return { value: meanTerm + traces - 2 * traceSqrt, meanTerm, traceSqrt, rank };
}
