import {
  AssayError,
  ErrorCode,
  failedRecord,
  isModalityEnabled,
  MODALITY_DESCRIPTORS,
  parseOrThrow,
  RunObjects,
  ScoreAssetPayload,
  sha256Hex,
  toS3Uri,
  type ObjectRef,
  type RecordOrigin,
  type ResultRecord,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { InferenceError } from '@assay/inference';
import type { MeshRenderer } from '@assay/mesh-render';
import type { Embedding, ModelKit } from '@assay/models';
import { DependencyOutage, isFinalAttempt, type Job, type JobHandler } from '@assay/queue';
import { applyThresholds, type MetricContext, type ModelRunner } from '@assay/scoring';
import type { ObjectStore } from '@assay/storage';
import { INPUT_PREPARERS, type InputLimits } from './inputs/index.js';
import type { ResultPublisher } from './result-publisher.js';
import type { SuitePlan } from './suite-plan.js';
import type { Stage, WorkerMetrics } from './worker-metrics.js';

export interface WorkerIdentity {
  host: string;
  pid: number;
  version: string;
  executionProviders: string[];
}

export interface ScoreAssetDeps {
  config: AssayConfig;
  store: ObjectStore;
  publisher: ResultPublisher;
  /** the suites this worker can score, resolved once at start-up */
  plan: SuitePlan;
  models: ModelRunner;
  modelKit: ModelKit;
  judges?: MetricContext['judges'];
  metrics: WorkerMetrics;
  identity: WorkerIdentity;
  /** whether object storage answers now (the readiness check, bounded in time) */
  storageReachable: () => Promise<boolean>;
  /** the process's headless browser (rendered views of 3D assets), launched on first use */
  renderer: () => Promise<MeshRenderer>;
}

function asAssayError(err: unknown): unknown {
  if (err instanceof InferenceError) return new AssayError(ErrorCode.InferenceError, err.message);
  return err;
}

/**
 * Uploaded content sits at a key named by its sha256: bytes that do not match were read while being
 * written, or damaged on the way. That is a fault of storage, not of the asset: transient, retried.
 */
function checkContent(bytes: Uint8Array, payload: ScoreAssetPayload): void {
  if (payload.sourceSha256 && sha256Hex(bytes) !== payload.sourceSha256) {
    throw new AssayError(
      ErrorCode.StorageUnavailable,
      `object storage returned ${bytes.byteLength} bytes for ${toS3Uri(payload.source)} that do not match its sha256`,
    );
  }
}

/**
 * `score-asset`: fetch → decode (per modality, see inputs/) → metrics → publish. Bad input fails at once
 * with its reason code; anything else is retried. On the last attempt a failed result is published first,
 * so the run still counts the asset.
 */
export function createScoreAssetHandler(deps: ScoreAssetDeps): JobHandler<'score-asset'> {
  const { config, metrics } = deps;
  const inputLimits: InputLimits = {
    image: { maxBytes: config.limits.maxUploadBytes, maxPixels: config.limits.maxImagePixels },
    media: {
      maxBytes: config.limits.maxUploadBytes,
      maxDurationSeconds: config.limits.maxMediaDurationSeconds,
      maxVideoPixels: config.limits.maxVideoPixels,
      maxVideoFrames: config.limits.maxVideoFrames,
      timeoutMs: config.limits.mediaTimeoutMs,
    },
    maxSampledFrames: config.limits.maxSampledFrames,
    tools: config.mediaTools,
    mesh: { maxBytes: config.limits.maxUploadBytes, ...config.limits.mesh },
    renderer: deps.renderer,
    renderTimeoutMs: config.render.timeoutMs,
  };
  return async (job, log, signal) => {
    const started = performance.now();
    const modality = typeof job.data?.modality === 'string' ? job.data.modality : 'unknown';
    const timed = async <T>(stage: Stage, fn: () => Promise<T>): Promise<[T, number]> => {
      const t = performance.now();
      const value = await fn();
      const ms = performance.now() - t;
      metrics.stageSeconds.observe({ modality, stage }, ms / 1000);
      return [value, ms];
    };
    try {
      const payload = parseOrThrow(ScoreAssetPayload, job.data, ErrorCode.InvalidPayload);
      const prepare = INPUT_PREPARERS[payload.modality];
      if (!isModalityEnabled(payload.modality))
        throw new AssayError(ErrorCode.ModalityNotEnabled, `modality ${payload.modality} is not enabled`);
      const suite = deps.plan.servable.get(payload.suite);
      if (!suite) {
        const why = deps.plan.unavailable.get(payload.suite);
        if (why) throw new AssayError(ErrorCode.ModelUnavailable, `suite ${payload.suite} cannot be scored here: ${why}`);
        throw new AssayError(ErrorCode.UnknownSuite, `suite ${payload.suite} is not known to this worker`);
      }
      if (suite.modality !== payload.modality)
        throw new AssayError(ErrorCode.InvalidPayload, `suite ${suite.name} scores ${suite.modality}, not ${payload.modality}`);

      const maxBytes = config.limits.maxUploadBytes;
      // images keep their reference for any suite (a missing one is reported); the others fetch it only for a
      // full-reference metric
      const always = MODALITY_DESCRIPTORS[payload.modality].reference === 'always';
      const reference = payload.reference && (always || suite.needsReference) ? payload.reference : undefined;
      const [[bytes, referenceBytes], fetchMs] = await timed('fetch', () =>
        Promise.all([
          deps.store.get(payload.source, { maxBytes }),
          reference ? fetchReference(deps.store, reference, maxBytes) : undefined,
        ]),
      );
      checkContent(bytes, payload);
      const keep = async (name: string, content: Uint8Array, contentType: string) => {
        const ref = { bucket: config.s3.bucket, key: RunObjects.assetView(payload.runId, payload.assetId, name) };
        await deps.store.put(ref, content, contentType);
        return toS3Uri(ref);
      };
      const [input, decodeMs] = await timed('decode', () => prepare({ payload, suite, bytes, referenceBytes, signal, keep }, inputLimits));
      const ctx = {
        models: deps.models,
        modelCalls: deps.modelKit,
        judges: deps.judges,
        file: (rel: string) => deps.plan.files.get(rel) ?? rel,
      };
      const [evaluation, metricsMs] = await timed('metrics', () =>
        input.evaluate(ctx, (metric, s) => metrics.metricSeconds.observe({ metric }, s)),
      );
      for (const o of evaluation.outcomes) metrics.metricOutcomes.inc({ metric: o.metric, status: o.status });
      const embeddings = input.embeddingSource
        ? await storeEmbeddings(deps, payload, await deps.modelKit.embeddingsOf(input.embeddingSource))
        : [];
      const record: ResultRecord = {
        schemaVersion: 1,
        ...recordOrigin(job, payload, deps.identity),
        finishedAt: new Date().toISOString(),
        status: 'completed',
        scores: evaluation.scores,
        censored: evaluation.censored,
        fingerprints: evaluation.fingerprints,
        embeddings: embeddings.length ? embeddings : undefined,
        metrics: evaluation.outcomes,
        checks: applyThresholds(suite.thresholds, evaluation.scores),
        decode: input.decode,
        media: input.media,
        mesh: input.mesh,
        timings: {
          queueMs: Math.max(0, (job.processedOn ?? Date.now()) - job.timestamp),
          fetchMs,
          decodeMs,
          metricsMs,
          inferenceMs: evaluation.inferenceMs,
          totalMs: performance.now() - started,
        },
      };
      await timed('publish', () => deps.publisher.publish(record));
      log.info({ totalMs: Math.round(record.timings!.totalMs), scores: Object.keys(record.scores).length }, 'asset scored');
      return { status: 'completed' };
    } catch (caught) {
      const err = asAssayError(caught);
      // cancelled or shutting down: not a property of the asset; the job is retried or reclaimed, nothing is published
      if (signal?.aborted) throw err;
      // storage down (not one object failing): the job waits for it without using an attempt
      if (err instanceof AssayError && err.code === ErrorCode.StorageUnavailable && !(await deps.storageReachable())) {
        metrics.failures.inc({ modality, reason: err.code, final: 'false' });
        throw new DependencyOutage('s3', err.message);
      }
      const final = isFinalAttempt(job, err);
      const code = err instanceof AssayError ? err.code : ErrorCode.Internal;
      metrics.failures.inc({ modality, reason: code, final: String(final) });
      if (final) await publishFailure(deps, job, code, (err as Error).message, log);
      throw err;
    }
  };
}

/** Image embeddings go to S3 as float32 little-endian, one object per asset and model (run-level metrics read them). */
async function storeEmbeddings(
  deps: ScoreAssetDeps,
  p: ScoreAssetPayload,
  list: Embedding[],
): Promise<NonNullable<ResultRecord['embeddings']>> {
  return Promise.all(
    list.map(async ({ vector, model, features }) => {
      const ref = { bucket: deps.config.s3.bucket, key: RunObjects.embedding(p.runId, model.id, p.assetId) };
      await deps.store.put(ref, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength), 'application/octet-stream');
      return {
        model: model.id,
        version: model.version,
        dims: vector.length,
        uri: toS3Uri(ref),
        sha256: model.sha256,
        ...(features ? { features } : {}),
      };
    }),
  );
}

/** A reference that is not there is bad input: the asset fails with `reference_missing`. */
async function fetchReference(store: ObjectStore, ref: ObjectRef, maxBytes: number): Promise<Uint8Array> {
  try {
    return await store.get(ref, { maxBytes });
  } catch (err) {
    if (err instanceof AssayError && err.code === ErrorCode.SourceNotFound)
      throw new AssayError(ErrorCode.ReferenceMissing, `reference ${toS3Uri(ref)} does not exist`);
    throw err;
  }
}

/** Where a record comes from, from the job (a payload that failed validation gives what it has). */
function recordOrigin(job: Job, p: Partial<ScoreAssetPayload>, identity: WorkerIdentity): RecordOrigin {
  return {
    runId: String(p.runId),
    runName: p.runName,
    runLabels: p.runLabels,
    assetId: String(p.assetId),
    jobId: String(job.id),
    modality: p.modality ?? 'image',
    suite: String(p.suite ?? ''),
    modelVersion: String(p.modelVersion ?? ''),
    sourceUri: p.source ? toS3Uri(p.source) : '',
    referenceUri: p.reference ? toS3Uri(p.reference) : undefined,
    prompt: p.prompt,
    attributes: p.attributes ?? {},
    attempt: job.attemptsMade + 1,
    worker: identity,
  };
}

async function publishFailure(
  deps: ScoreAssetDeps,
  job: Job,
  code: string,
  message: string,
  log: { error: (o: object, m: string) => void },
) {
  const p = (job.data ?? {}) as Partial<ScoreAssetPayload>;
  if (typeof p.runId !== 'string' || typeof p.assetId !== 'string') return; // nothing to attribute it to
  const record = failedRecord(recordOrigin(job, p, deps.identity), { code, message });
  try {
    await deps.publisher.publishFailure(record);
  } catch (err) {
    // The job still fails; BullMQ keeps it in the failed set, and the aggregator's reconciliation finds it.
    log.error({ err }, 'could not publish the failure record');
  }
}
