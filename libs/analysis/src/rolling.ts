import {
  AssayError,
  distributionLabels,
  ErrorCode,
  ModelVersionObjects,
  ReferenceSetObjects,
  RunObjects,
  type EmbeddingModelInfo,
  type EmbeddingSetSummary,
  type RollingFrechet,
} from '@assay/contracts';
import { emptyMoments, frechetDistance, mergeMoments, momentsFromBytes, momentsToBytes, type Moments } from '@assay/distribution';
import { embeddingKey } from '@assay/run-metrics';
import type { ObjectStore } from '@assay/storage';
import { listReferenceSets } from './reference-sets.js';

/** Run ids a rolling record remembers, so a retried fold never counts a run twice (a version's runs in a year fit). */
const REMEMBERED_RUNS = 5000;

interface Env {
  store: ObjectStore;
  bucket: string;
}

/** `model-versions/<mv>/<model>/rolling.json`: what the rolling moments beside it hold. */
interface RollingRecord {
  model: EmbeddingModelInfo;
  n: number;
  runs: string[];
  updatedAt: string;
}

const getOrUndefined = (env: Env, key: string) =>
  env.store.get({ bucket: env.bucket, key }).catch((err: unknown) => {
    if (err instanceof AssayError && err.code === ErrorCode.SourceNotFound) return undefined;
    throw err;
  });

/**
 * Folds a closed run's embedding moments into its model version's rolling moments (per feature extractor),
 * then measures the rolling moments against every reference set of the same extractor. The caller holds the
 * model version's lock; a run already folded in (a retried job) is not folded again.
 */
export async function foldIntoModelVersion(
  env: Env,
  runId: string,
  modelVersion: string,
  runSets: EmbeddingSetSummary[],
): Promise<RollingFrechet[]> {
  const references = await listReferenceSets(env);
  const out: RollingFrechet[] = [];
  for (const s of runSets.filter((x) => x.n >= 2)) {
    const key = embeddingKey({ model: s.model.id, version: s.model.version });
    const at = (file: string) => ModelVersionObjects.file(modelVersion, key, file);
    const recordBytes = await getOrUndefined(env, at('rolling.json'));
    const record: RollingRecord = recordBytes
      ? (JSON.parse(Buffer.from(recordBytes).toString('utf8')) as RollingRecord)
      : { model: s.model, n: 0, runs: [], updatedAt: '' };
    let moments: Moments = emptyMoments(s.model.dims);
    const stored = record.n ? await getOrUndefined(env, at('moments.f64')) : undefined;
    if (stored) moments = momentsFromBytes(stored);
    if (!record.runs.includes(runId)) {
      const run = await env.store.get({
        bucket: env.bucket,
        key: RunObjects.runMetricArtifact(runId, 'distribution', `${encodeURIComponent(key)}/moments.f64`),
      });
      mergeMoments(moments, momentsFromBytes(run));
      await env.store.put({ bucket: env.bucket, key: at('moments.f64') }, momentsToBytes(moments), 'application/octet-stream');
      record.n = moments.n;
      record.runs = [...record.runs, runId].slice(-REMEMBERED_RUNS);
      record.updatedAt = new Date().toISOString();
      await env.store.put({ bucket: env.bucket, key: at('rolling.json') }, JSON.stringify(record), 'application/json');
    }
    for (const ref of references.filter((r) => r.sets.some((x) => embeddingKey({ model: x.model.id, version: x.model.version }) === key))) {
      const refMoments = momentsFromBytes(
        await env.store.get({ bucket: env.bucket, key: ReferenceSetObjects.file(ref.name, key, 'moments.f64') }),
      );
      out.push({
        modelVersion,
        embeddingModel: key,
        label: distributionLabels(s.model).frechet,
        referenceSet: ref.name,
        value: frechetDistance(refMoments, moments).value,
        n: moments.n,
        runs: record.runs.length,
      });
    }
  }
  return out;
}
