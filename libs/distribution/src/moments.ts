import { AssayError, ErrorCode } from '@assay/contracts';
import { native } from './linalg/backend.js';

/**
 * The sufficient statistics of an embedding set: count, mean and co-moment M2 = Σ (x − x̄)(x − x̄)ᵀ, in float64.
 * Equivalent to (n, Σx, Σxxᵀ) but merged with Chan et al.'s formula, which keeps the precision
 * Σxxᵀ − n·x̄x̄ᵀ loses when the mean is large beside the spread. Embeddings are folded in blocks
 * (`momentsBlock`): the block's own centred co-moment is one pass over M2 per block instead of one per
 * embedding (M2 is 13 MB at 1280 dimensions; streaming it per embedding is what limits speed). Only the
 * upper triangle of `m2` is kept; `covariance` mirrors it.
 *
 * Plain data (typed arrays and numbers): it crosses worker threads and is stored as bytes.
 */
export interface Moments {
  dims: number;
  n: number;
  mean: Float64Array;
  m2: Float64Array;
  /** embeddings not folded in yet (fewer than a block); every reader folds them first */
  pending: Float64Array[];
}

/** Embeddings per block: BLAS's dsyrk is efficient on wide blocks, the TypeScript loop on cache-sized ones. */
export const momentsBlock = (): number => (native() ? 256 : 64);

export function emptyMoments(dims: number): Moments {
  return { dims, n: 0, mean: new Float64Array(dims), m2: new Float64Array(dims * dims), pending: [] };
}

export function addEmbedding(m: Moments, x: ArrayLike<number>): void {
  if (x.length !== m.dims)
    throw new AssayError(ErrorCode.EmbeddingMismatch, `an embedding of ${x.length} dimensions among ${m.dims}-dimensional ones`);
  m.pending.push(Float64Array.from(x));
  if (m.pending.length >= momentsBlock()) flushMoments(m);
}

/**
 * Folds the pending block in: its mean and centred co-moment (dimension-major, so each of the d²/2 dot
 * products runs over one block's contiguous values), merged by Chan's update in the same pass over M2.
 */
export function flushMoments(m: Moments): void {
  const b = m.pending.length;
  if (!b) return;
  const d = m.dims;
  const blockMean = new Float64Array(d);
  for (const x of m.pending) for (let i = 0; i < d; i++) blockMean[i] += x[i];
  for (let i = 0; i < d; i++) blockMean[i] /= b;
  const centred = new Float64Array(d * b);
  m.pending.forEach((x, k) => {
    for (let i = 0; i < d; i++) centred[i * b + k] = x[i] - blockMean[i];
  });
  const n = m.n + b;
  const w = (m.n * b) / n;
  const delta = new Float64Array(d);
  for (let i = 0; i < d; i++) delta[i] = blockMean[i] - m.mean[i];
  const blas = native();
  if (blas) {
    blas.syrkUpper(m.m2, d, centred, b, 1);
    blas.syrUpper(m.m2, d, delta, w);
  } else addBlock(m.m2, d, centred, b, delta, w);
  for (let i = 0; i < d; i++) m.mean[i] += (delta[i] * b) / n;
  m.n = n;
  m.pending = [];
}

/** m2 (upper) += C Cᵀ + w·δδᵀ for the centred block C (d × b, dimension-major), in TypeScript. */
function addBlock(m2: Float64Array, d: number, centred: Float64Array, b: number, delta: Float64Array, w: number): void {
  for (let i = 0; i < d; i++) {
    const row = i * d;
    const ci = i * b;
    const di = delta[i] * w;
    let j = i;
    // four columns at a time share each load of row i's values
    for (; j + 3 < d; j += 4) {
      const c0 = j * b;
      const c1 = c0 + b;
      const c2 = c1 + b;
      const c3 = c2 + b;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < b; k++) {
        const v = centred[ci + k];
        s0 += v * centred[c0 + k];
        s1 += v * centred[c1 + k];
        s2 += v * centred[c2 + k];
        s3 += v * centred[c3 + k];
      }
      m2[row + j] += s0 + di * delta[j];
      m2[row + j + 1] += s1 + di * delta[j + 1];
      m2[row + j + 2] += s2 + di * delta[j + 2];
      m2[row + j + 3] += s3 + di * delta[j + 3];
    }
    for (; j < d; j++) {
      const cj = j * b;
      let s = 0;
      for (let k = 0; k < b; k++) s += centred[ci + k] * centred[cj + k];
      m2[row + j] += s + di * delta[j];
    }
  }
}

/** Folds `other` into `into` (Chan, Golub & LeVeque 1979): the result is what one pass over both would give. */
export function mergeMoments(into: Moments, other: Moments): void {
  if (other.dims !== into.dims)
    throw new AssayError(ErrorCode.EmbeddingMismatch, `merging ${other.dims}- into ${into.dims}-dimensional moments`);
  flushMoments(into);
  flushMoments(other);
  if (!other.n) return;
  if (!into.n) {
    into.n = other.n;
    into.mean.set(other.mean);
    into.m2.set(other.m2);
    return;
  }
  const d = into.dims;
  const n = into.n + other.n;
  const delta = new Float64Array(d);
  for (let i = 0; i < d; i++) delta[i] = other.mean[i] - into.mean[i];
  const w = (into.n * other.n) / n;
  for (let i = 0; i < d; i++) {
    const row = i * d;
    const di = delta[i] * w;
    for (let j = i; j < d; j++) into.m2[row + j] += other.m2[row + j] + di * delta[j];
    into.mean[i] += (delta[i] * other.n) / n;
  }
  into.n = n;
}

/** The sample covariance (divisor n − 1, as numpy.cov and every FID implementation), full and symmetric. */
export function covariance(m: Moments): Float64Array {
  flushMoments(m);
  if (m.n < 2) throw new AssayError(ErrorCode.NotEnoughEmbeddings, `a covariance needs 2 embeddings or more, got ${m.n}`);
  const d = m.dims;
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      const v = m.m2[i * d + j] / (m.n - 1);
      c[i * d + j] = v;
      c[j * d + i] = v;
    }
  return c;
}

/** Moments as bytes: a little-endian header (dims, n) then mean and the upper triangle, float64. */
export function momentsToBytes(m: Moments): Uint8Array {
  flushMoments(m);
  const d = m.dims;
  const out = new Float64Array(2 + d + (d * (d + 1)) / 2);
  out[0] = d;
  out[1] = m.n;
  out.set(m.mean, 2);
  let at = 2 + d;
  for (let i = 0; i < d; i++) {
    out.set(m.m2.subarray(i * d + i, (i + 1) * d), at);
    at += d - i;
  }
  return new Uint8Array(out.buffer);
}

export function momentsFromBytes(bytes: Uint8Array): Moments {
  const copy = new Float64Array(bytes.slice().buffer);
  const d = copy[0];
  if (!Number.isInteger(d) || d < 1 || copy.length !== 2 + d + (d * (d + 1)) / 2)
    throw new AssayError(ErrorCode.Internal, `stored moments are malformed (${bytes.byteLength} bytes)`);
  const m = emptyMoments(d);
  m.n = copy[1];
  m.mean.set(copy.subarray(2, 2 + d));
  let at = 2 + d;
  for (let i = 0; i < d; i++) {
    m.m2.set(copy.subarray(at, at + d - i), i * d + i);
    at += d - i;
  }
  return m;
}
