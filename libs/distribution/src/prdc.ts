import { AssayError, ErrorCode } from '@assay/contracts';
import { diagonal, type PairedGram } from './gram.js';

export const PRDC_K = 5;

export interface Prdc {
  precision: number;
  recall: number;
  density: number;
  coverage: number;
  k: number;
}

/**
 * Precision, recall, density and coverage (Naeem et al. 2020, github.com/clovaai/generative-evaluation-prdc)
 * with X the real (reference) set and Y the generated one. Euclidean distances from the inner products
 * (as scikit-learn's euclidean_distances does, self-distances 0); the radius of a point is the distance to
 * its k-th nearest neighbour in its own set (the (k + 1)-th smallest distance, itself included).
 */
export function prdc(g: PairedGram, k = PRDC_K): Prdc {
  const { nx, ny } = g;
  if (nx <= k || ny <= k)
    throw new AssayError(
      ErrorCode.NotEnoughEmbeddings,
      `PRDC with k = ${k} needs more than ${k} embeddings on each side, got ${nx} and ${ny}`,
    );
  const normX = diagonal(g.xx, nx);
  const normY = diagonal(g.yy, ny);
  const dist = (dot: number, a: number, b: number) => Math.sqrt(Math.max(a + b - 2 * dot, 0));
  const radii = (dots: Float64Array, norms: Float64Array, n: number) =>
    Float64Array.from({ length: n }, (_, i) => {
      const row = Float64Array.from({ length: n }, (_, j) => (i === j ? 0 : dist(dots[i * n + j], norms[i], norms[j])));
      return row.sort()[k];
    });
  const realRadii = radii(g.xx, normX, nx);
  const fakeRadii = radii(g.yy, normY, ny);
  const insideReal = new Int32Array(ny);
  let recalled = 0;
  let covered = 0;
  for (let i = 0; i < nx; i++) {
    let nearest = Infinity;
    let recall = false;
    for (let j = 0; j < ny; j++) {
      const dij = dist(g.xy[i * ny + j], normX[i], normY[j]);
      if (dij < realRadii[i]) insideReal[j]++;
      if (dij < fakeRadii[j]) recall = true;
      nearest = Math.min(nearest, dij);
    }
    if (recall) recalled++;
    if (nearest < realRadii[i]) covered++;
  }
  let precise = 0;
  let density = 0;
  for (let j = 0; j < ny; j++) {
    if (insideReal[j] > 0) precise++;
    density += insideReal[j];
  }
  return { precision: precise / ny, recall: recalled / nx, density: density / (k * ny), coverage: covered / nx, k };
}
