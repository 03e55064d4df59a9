import {
  distributionLabels,
  type EmbeddingModelInfo,
  type EmbeddingSetSummary,
  type ResultRecord,
  type SetDistances,
} from '@assay/contracts';
import { addToSet, covariance, emptySetStats, flushMoments, mergeSets, setDistances, type EmbeddingSetStats } from '@assay/distribution';
import type { RecordAt } from '../run-metric.js';
import { embeddingKey } from '../run-metric.js';

/** One feature extractor's embeddings of one side: the moments and sample, and the vectors that were gone. */
export interface EmbeddingSetState {
  model: EmbeddingModelInfo;
  set: EmbeddingSetStats;
  missing: number;
}

/** A side's embedding sets by `embeddingKey`. */
export type EmbeddingSets = Record<string, EmbeddingSetState>;

/** Folds a record's embeddings into the sets; a listed embedding the reader could not load is counted. */
export function addEmbeddings(sets: EmbeddingSets, record: ResultRecord, at: RecordAt): void {
  for (const e of record.embeddings ?? []) {
    const key = embeddingKey(e);
    const model: EmbeddingModelInfo = { id: e.model, version: e.version, dims: e.dims, sha256: e.sha256, features: e.features };
    const state = (sets[key] ??= {
      model,
      set: emptySetStats({ id: e.model, version: e.version, dims: e.dims, sha256: e.sha256 }),
      missing: 0,
    });
    const vector = at.embeddings?.get(key);
    if (vector) addToSet(state.set, record.assetId, vector);
    else state.missing++;
  }
}

export function mergeEmbeddingSets(into: EmbeddingSets, later: EmbeddingSets): void {
  for (const [key, s] of Object.entries(later)) {
    const mine = into[key];
    if (!mine) into[key] = s;
    else {
      mergeSets(mine.set, s.set);
      mine.missing += s.missing;
    }
  }
}

export function summarize(s: EmbeddingSetState): EmbeddingSetSummary {
  flushMoments(s.set.moments);
  let totalVariance: number | null = null;
  if (s.set.moments.n >= 2) {
    const c = covariance(s.set.moments);
    const d = s.model.dims;
    totalVariance = 0;
    for (let i = 0; i < d; i++) totalVariance += c[i * d + i];
  }
  return {
    model: s.model,
    labels: distributionLabels(s.model),
    n: s.set.moments.n,
    sampled: s.set.sample.ids.length,
    missing: s.missing,
    totalVariance,
  };
}

/** Distances of `generated` from `reference`; sets of different extractors (or model files) are refused. */
export function distances(reference: EmbeddingSetState, generated: EmbeddingSetState, seed: number): SetDistances {
  const values = setDistances(reference.set, generated.set, seed);
  return { model: generated.model, labels: distributionLabels(generated.model), ...values };
}
