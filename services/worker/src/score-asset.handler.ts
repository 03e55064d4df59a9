import {
  AssayError,
  ErrorCode,
  isModalityEnabled,
  parseOrThrow,
  RunObjects,
  ScoreAssetPayload,
  toS3Uri,
  type MetricOutcome,
  type ObjectRef,
  type ResultRecord,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { InferenceError } from '@assay/inference';
import { decodeImage, type ImageLimits } from '@assay/media';
import type { Embedding, ModelKit } from '@assay/models';
import { isFinalAttempt, type Job, type JobHandler } from '@assay/queue';
import { applyThresholds, evaluate, type MetricContext, type ModelRunner } from '@assay/scoring';
import type { ObjectStore } from '@assay/storage';
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
}

function asAssayError(err: unknown): unknown {
  if (err instanceof InferenceError) return new AssayError(ErrorCode.InferenceError, err.message);
  return err;
}

/**
 * `score-asset`: fetch → decode → metrics → publish. Bad input fails at once with its reason code;
 * anything else is retried. On the last attempt a failed result is published first, so the run still
 * counts the asset.
 */
export function createScoreAssetHandler(deps: ScoreAssetDeps): JobHandler<'score-asset'> {
  const { config, metrics } = deps;
  return async (job, log) => {
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
      if (!isModalityEnabled(payload.modality)) throw new AssayError(ErrorCode.ModalityNotEnabled, `modality ${payload.modality} is not enabled`);
      const suite = deps.plan.servable.get(payload.suite);
      if (!suite) {
        const why = deps.plan.unavailable.get(payload.suite);
        if (why) throw new AssayError(ErrorCode.ModelUnavailable, `suite ${payload.suite} cannot be scored here: ${why}`);
        throw new AssayError(ErrorCode.UnknownSuite, `suite ${payload.suite} is not known to this worker`);
      }

      const limits = { maxBytes: config.limits.maxUploadBytes, maxPixels: config.limits.maxImagePixels };
      const [[bytes, referenceBytes], fetchMs] = await timed('fetch', () =>
        Promise.all([deps.store.get(payload.source, { maxBytes: limits.maxBytes }), payload.reference ? fetchReference(deps.store, payload.reference, limits.maxBytes) : undefined]),
      );
      const [[image, reference], decodeMs] = await timed('decode', () =>
        Promise.all([decodeImage(bytes, limits), referenceBytes ? decodeReference(referenceBytes, limits) : undefined]),
      );
      const ctx = { models: deps.models, modelCalls: deps.modelKit, judges: deps.judges, file: (rel: string) => deps.plan.files.get(rel) ?? rel };
      const [evaluation, metricsMs] = await timed('metrics', () =>
        evaluate(suite.metrics, { image, reference, prompt: payload.prompt, attributes: payload.attributes }, ctx, (metric, s) =>
          metrics.metricSeconds.observe({ metric }, s),
        ),
      );
      for (const o of evaluation.outcomes) metrics.metricOutcomes.inc({ metric: o.metric, status: o.status });
      const embeddings = await storeEmbeddings(deps, payload, await deps.modelKit.embeddingsOf(image));
      const record: ResultRecord = {
        ...recordBase(job, payload, deps.identity),
        status: 'completed',
        scores: evaluation.scores,
        fingerprints: evaluation.fingerprints,
        embeddings: embeddings.length ? embeddings : undefined,
        metrics: evaluation.outcomes,
        checks: applyThresholds(suite.thresholds, evaluation.scores),
        decode: image.info,
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
      const final = isFinalAttempt(job, err);
      const code = err instanceof AssayError ? err.code : ErrorCode.Internal;
      metrics.failures.inc({ modality, reason: code, final: String(final) });
      if (final) await publishFailure(deps, job, code, (err as Error).message, log);
      throw err;
    }
  };
}

/** Image embeddings go to S3 as float32 little-endian, one object per asset and model (run-level metrics read them). */
async function storeEmbeddings(deps: ScoreAssetDeps, p: ScoreAssetPayload, list: Embedding[]): Promise<NonNullable<ResultRecord['embeddings']>> {
  return Promise.all(
    list.map(async ({ vector, model }) => {
      const ref = { bucket: deps.config.s3.bucket, key: RunObjects.embedding(p.runId, model.id, p.assetId) };
      await deps.store.put(ref, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength), 'application/octet-stream');
      return { model: model.id, version: model.version, dims: vector.length, uri: toS3Uri(ref) };
    }),
  );
}

/** A reference that is not there, or not an image, is bad input: the asset fails with `reference_missing`. */
async function fetchReference(store: ObjectStore, ref: ObjectRef, maxBytes: number): Promise<Uint8Array> {
  try {
    return await store.get(ref, { maxBytes });
  } catch (err) {
    if (err instanceof AssayError && err.code === ErrorCode.SourceNotFound) throw new AssayError(ErrorCode.ReferenceMissing, `reference ${toS3Uri(ref)} does not exist`);
    throw err;
  }
}

async function decodeReference(bytes: Uint8Array, limits: ImageLimits) {
  try {
    return await decodeImage(bytes, limits);
  } catch (err) {
    if (err instanceof AssayError) throw new AssayError(ErrorCode.ReferenceMissing, `the reference is not a usable image: ${err.code}: ${err.message}`);
    throw err;
  }
}

function recordBase(job: Job, p: Partial<ScoreAssetPayload>, identity: WorkerIdentity) {
  return {
    schemaVersion: 1 as const,
    runId: String(p.runId),
    assetId: String(p.assetId),
    jobId: String(job.id),
    modality: (p.modality ?? 'image') as ResultRecord['modality'],
    suite: String(p.suite ?? ''),
    modelVersion: String(p.modelVersion ?? ''),
    sourceUri: p.source ? toS3Uri(p.source) : '',
    referenceUri: p.reference ? toS3Uri(p.reference) : undefined,
    prompt: p.prompt,
    attributes: p.attributes ?? {},
    attempt: job.attemptsMade + 1,
    worker: identity,
    finishedAt: new Date().toISOString(),
  };
}

async function publishFailure(deps: ScoreAssetDeps, job: Job, code: string, message: string, log: { error: (o: object, m: string) => void }) {
  const p = (job.data ?? {}) as Partial<ScoreAssetPayload>;
  if (typeof p.runId !== 'string' || typeof p.assetId !== 'string') return; // nothing to attribute it to
  const metrics: MetricOutcome[] = [];
  const record: ResultRecord = { ...recordBase(job, p, deps.identity), status: 'failed', failure: { code, message }, scores: {}, metrics };
  try {
    await deps.publisher.publish(record);
  } catch (err) {
    // The job still fails; BullMQ keeps it in the failed set, and the aggregator's reconciliation finds it.
    log.error({ err }, 'could not publish the failure record');
  }
}
