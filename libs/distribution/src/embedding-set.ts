import { AssayError, ErrorCode } from '@assay/contracts';
import { createRng } from '@assay/stats';
import { addEmbedding, emptyMoments, mergeMoments, type Moments } from './moments.js';
import { addToSample, emptySample, mergeSamples, sampleRows, DEFAULT_SAMPLE_CAPACITY, type EmbeddingSample } from './embedding-sample.js';
import { frechetDistance } from './frechet.js';
import { pairedGram } from './gram.js';
import { cmmd, drawKidSubsets, kernelInceptionDistance } from './kernel-distances.js';
import { prdc, type Prdc } from './prdc.js';

/** Which model produced an embedding set: distances between sets of different extractors mean nothing. */
export interface EmbeddingModelRef {
  id: string;
  version: string;
  dims: number;
  /** the model file's sha256, where known: two files under one version are still two extractors */
  sha256?: string;
}

/** Everything the distribution metrics need of one embedding set: its moments and a bounded sample. */
export interface EmbeddingSetStats {
  model: EmbeddingModelRef;
  moments: Moments;
  sample: EmbeddingSample;
}

export function emptySetStats(model: EmbeddingModelRef, capacity = DEFAULT_SAMPLE_CAPACITY): EmbeddingSetStats {
  return { model, moments: emptyMoments(model.dims), sample: emptySample(model.dims, capacity) };
}

export function addToSet(set: EmbeddingSetStats, id: string, vector: Float32Array): void {
  addEmbedding(set.moments, vector);
  addToSample(set.sample, id, vector);
}

export function mergeSets(into: EmbeddingSetStats, other: EmbeddingSetStats): void {
  assertSameModel(into.model, other.model);
  mergeMoments(into.moments, other.moments);
  mergeSamples(into.sample, other.sample);
}

export function assertSameModel(a: EmbeddingModelRef, b: EmbeddingModelRef): void {
  if (a.id !== b.id || a.version !== b.version || a.dims !== b.dims || (a.sha256 && b.sha256 && a.sha256 !== b.sha256))
    throw new AssayError(
      ErrorCode.EmbeddingMismatch,
      `embeddings of ${a.id}@${a.version} (${a.dims}-d) and ${b.id}@${b.version} (${b.dims}-d) are not comparable: distribution ` +
        'metrics are only defined within one feature extractor',
    );
}

/** The distances of a generated set from a reference set. */
export interface SetDistanceValues {
  frechet: { value: number; meanTerm: number; traceSqrt: number; n: [number, number] };
  kid: { mean: number; std: number; subsets: number; subsetSize: number };
  cmmd: number;
  prdc: Prdc;
  /** sample sizes KID, CMMD and PRDC used (bounded samples of each set) */
  sampled: [number, number];
}

/**
 * Every distribution metric of `generated` against `reference`: the Fréchet distance from the full sets'
 * moments; KID (seeded subsets), CMMD and PRDC on the bounded samples, which share one set of inner products.
 */
export function setDistances(reference: EmbeddingSetStats, generated: EmbeddingSetStats, seed: number): SetDistanceValues {
  assertSameModel(reference.model, generated.model);
  const d = reference.model.dims;
  const fd = frechetDistance(reference.moments, generated.moments);
  const x = sampleRows(reference.sample);
  const y = sampleRows(generated.sample);
  const nx = x.ids.length;
  const ny = y.ids.length;
  const g = pairedGram(Float64Array.from(x.rows), nx, Float64Array.from(y.rows), ny, d);
  const subsets = drawKidSubsets(nx, ny, createRng(seed));
  const kid = kernelInceptionDistance(g, subsets);
  return {
    frechet: { value: fd.value, meanTerm: fd.meanTerm, traceSqrt: fd.traceSqrt, n: [reference.moments.n, generated.moments.n] },
    kid: { mean: kid.mean, std: kid.std, subsets: subsets.length, subsetSize: kid.subsetSize },
    cmmd: cmmd(g),
    prdc: prdc(g),
    sampled: [nx, ny],
  };
}
