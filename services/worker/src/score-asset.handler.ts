import {
  AssayError,
  ErrorCode,
  isModalityEnabled,
  parseOrThrow,
  ScoreAssetPayload,
  toS3Uri,
  type MetricOutcome,
  type ResultRecord,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { InferenceError } from '@assay/inference';
import { decodeImage } from '@assay/media';
import { isFinalAttempt, type Job, type JobHandler } from '@assay/queue';
import { evaluate, type MetricDefinition, type ModelRunner } from '@assay/scoring';
import type { ObjectStore } from '@assay/storage';
import type { ResultPublisher } from './result-publisher.js';
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
  /** suite name → its metrics, resolved once at start-up */
  suites: Map<string, MetricDefinition[]>;
  models: ModelRunner;
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
      const suite = deps.suites.get(payload.suite);
      if (!suite) throw new AssayError(ErrorCode.UnknownSuite, `suite ${payload.suite} is not known to this worker`);

      const [bytes, fetchMs] = await timed('fetch', () => deps.store.get(payload.source, { maxBytes: config.limits.maxUploadBytes }));
      const [image, decodeMs] = await timed('decode', () =>
        decodeImage(bytes, { maxBytes: config.limits.maxUploadBytes, maxPixels: config.limits.maxImagePixels }),
      );
      const [evaluation, metricsMs] = await timed('metrics', () =>
        evaluate(suite, { image, prompt: payload.prompt, attributes: payload.attributes }, { models: deps.models }, (metric, s) =>
          metrics.metricSeconds.observe({ metric }, s),
        ),
      );
      for (const o of evaluation.outcomes) metrics.metricOutcomes.inc({ metric: o.metric, status: o.status });
      const record: ResultRecord = {
        ...recordBase(job, payload, deps.identity),
        status: 'completed',
        scores: evaluation.scores,
        metrics: evaluation.outcomes,
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
