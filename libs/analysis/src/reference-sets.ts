import {
  AssayError,
  distributionLabels,
  ErrorCode,
  ReferenceSet,
  ReferenceSetObjects,
  RunObjects,
  type EmbeddingModelInfo,
  type EmbeddingSetSummary,
  type RunMetricsReport,
  type RunRecord,
  type SetDistances,
} from '@assay/contracts';
import { momentsFromBytes, sampleFromRows, setDistances, type EmbeddingSetStats } from '@assay/distribution';
import { embeddingKey } from '@assay/run-metrics';
import type { ObjectStore } from '@assay/storage';

/** The files the `distribution` run-level metric leaves per feature extractor, and a reference set keeps. */
const SET_FILES = ['moments.f64', 'sample.f32', 'sample.json'] as const;
const DISTRIBUTION_METRIC = 'distribution';

interface Env {
  store: ObjectStore;
  bucket: string;
}

const runSetKey = (runId: string, modelKey: string, file: string) =>
  RunObjects.runMetricArtifact(runId, DISTRIBUTION_METRIC, `${encodeURIComponent(modelKey)}/${file}`);

/** The embedding sets a run's run-level metrics summarized (empty when it stored no embeddings). */
export function runEmbeddingSets(report: RunMetricsReport): EmbeddingSetSummary[] {
  const result = report.metrics.find((m) => m.name === DISTRIBUTION_METRIC)?.result as { distribution?: EmbeddingSetSummary[] } | undefined;
  return result?.distribution ?? [];
}

/** One embedding set back from its stored files: moments and sample. */
async function loadSet(env: Env, keyOf: (file: string) => string): Promise<{ model: EmbeddingModelInfo; set: EmbeddingSetStats }> {
  const [moments, rows, meta] = await Promise.all(SET_FILES.map((f) => env.store.get({ bucket: env.bucket, key: keyOf(f) })));
  const info = JSON.parse(Buffer.from(meta).toString('utf8')) as { model: EmbeddingModelInfo; capacity: number; ids: string[] };
  const { id, version, dims, sha256 } = info.model;
  const sample = sampleFromRows(dims, info.capacity, info.ids, new Float32Array(rows.slice().buffer));
  return { model: info.model, set: { model: { id, version, dims, sha256 }, moments: momentsFromBytes(moments), sample } };
}

export async function readReferenceSet(env: Env, name: string): Promise<ReferenceSet> {
  const bytes = await env.store.get({ bucket: env.bucket, key: ReferenceSetObjects.record(name) }).catch((err: unknown) => {
    if (err instanceof AssayError && err.code === ErrorCode.SourceNotFound)
      throw new AssayError(ErrorCode.ReferenceSetNotFound, `no reference set ${name}`);
    throw err;
  });
  return ReferenceSet.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
}

/**
 * Keeps a closed run's embedding statistics (moments and sample per feature extractor, as its `distribution`
 * run-level metric left them) under a name: files first, the record last, so a set that can be read is whole.
 */
export async function createReferenceSet(
  env: Env,
  request: { name: string; description?: string },
  run: RunRecord,
  report: RunMetricsReport,
): Promise<ReferenceSet> {
  const sets = runEmbeddingSets(report).filter((s) => s.n >= 2);
  if (!sets.length)
    throw new AssayError(ErrorCode.NoEmbeddings, `run ${run.id} stored no embeddings: score it with a suite that runs an embedding model`);
  if (await env.store.head({ bucket: env.bucket, key: ReferenceSetObjects.record(request.name) }))
    throw new AssayError(ErrorCode.ReferenceSetExists, `reference set ${request.name} exists already`);
  for (const s of sets) {
    const key = embeddingKey({ model: s.model.id, version: s.model.version });
    for (const file of SET_FILES) {
      const bytes = await env.store.get({ bucket: env.bucket, key: runSetKey(run.id, key, file) });
      await env.store.put(
        { bucket: env.bucket, key: ReferenceSetObjects.file(request.name, key, file) },
        bytes,
        'application/octet-stream',
      );
    }
  }
  const record = ReferenceSet.parse({
    schemaVersion: 1,
    name: request.name,
    ...(request.description ? { description: request.description } : {}),
    runId: run.id,
    modelVersion: run.modelVersion,
    createdAt: new Date().toISOString(),
    sets,
  });
  await env.store.put(
    { bucket: env.bucket, key: ReferenceSetObjects.record(request.name) },
    JSON.stringify(record, null, 2),
    'application/json',
  );
  return record;
}

export async function listReferenceSets(env: Env): Promise<ReferenceSet[]> {
  const keys = await env.store.list(env.bucket, ReferenceSetObjects.root);
  const names = keys.filter((k) => k.endsWith('/reference-set.json')).map((k) => k.slice(ReferenceSetObjects.root.length).split('/')[0]);
  return Promise.all(names.sort().map((n) => readReferenceSet(env, n)));
}

/**
 * A closed run measured against a reference set, per feature extractor both have: FD, KID, CMMD and PRDC from
 * the stored moments and samples, never the embeddings themselves. A run with no extractor in common is
 * refused (`embedding_mismatch`): distances across extractors mean nothing.
 */
export async function measureAgainstReference(
  env: Env,
  runId: string,
  runSets: EmbeddingSetSummary[],
  reference: ReferenceSet,
  seed: number,
): Promise<SetDistances[]> {
  if (!runSets.length) throw new AssayError(ErrorCode.NoEmbeddings, `run ${runId} stored no embeddings`);
  const keyOf = (s: EmbeddingSetSummary) => embeddingKey({ model: s.model.id, version: s.model.version });
  const shared = runSets.filter((s) => reference.sets.some((r) => keyOf(r) === keyOf(s)));
  if (!shared.length)
    throw new AssayError(
      ErrorCode.EmbeddingMismatch,
      `run ${runId} has embeddings of ${runSets.map(keyOf).join(', ')}; reference set ${reference.name} of ${reference.sets.map(keyOf).join(', ')}`,
    );
  const out: SetDistances[] = [];
  for (const s of shared) {
    const key = keyOf(s);
    const [ref, gen] = await Promise.all([
      loadSet(env, (f) => ReferenceSetObjects.file(reference.name, key, f)),
      loadSet(env, (f) => runSetKey(runId, key, f)),
    ]);
    out.push({ model: gen.model, labels: distributionLabels(gen.model), ...setDistances(ref.set, gen.set, seed) });
  }
  return out;
}
