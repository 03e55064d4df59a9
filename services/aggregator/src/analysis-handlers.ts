import {
  AssayError,
  CompareRunsPayload,
  ComparisonObjects,
  ComparisonResult,
  ComputeRunMetricsPayload,
  ErrorCode,
  JobName,
  QueueName,
  SIGNATURE_HEADER,
  SweepObjects,
  TIMESTAMP_HEADER,
  parseOrThrow,
  signHook,
  toS3Uri,
  verdictDeliveryJobId,
  type ComparisonRecord,
  type EmbeddingSetSummary,
  type RollingFrechet,
  type RunMetricsReport,
  type RunRecord,
  type VerdictDelivery,
} from '@assay/contracts';
import { runEmbeddingSets, runInThread, runRef, type AnalysisJob, type ThreadInput } from '@assay/analysis';
import type { AssayConfig } from '@assay/config';
import type { Logger } from '@assay/observability';
import { PolicyFile, type PolicyCatalog, type PolicyDefinition } from '@assay/policies';
import { DependencyOutage, isFinalAttempt, UnrecoverableError, type Job, type JobHandler, type QueueSet } from '@assay/queue';
import type { ComparisonStore, RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import type { AnalysisMetrics } from './analysis-metrics.js';

export interface AnalysisDeps {
  runs: RunStore;
  comparisons: ComparisonStore;
  policies: PolicyCatalog;
  queues: QueueSet;
  store: ObjectStore;
  config: Pick<AssayConfig, 's3' | 'comparisonWebhook'>;
  metrics: AnalysisMetrics;
  version: string;
  /** whether object storage answers: a failed read while it does not is an outage, not the job's fault */
  storageReachable: () => Promise<boolean>;
  /** runs `fn` as the one writer of a model version's rolling statistics (across aggregator replicas) */
  withModelVersionLock: <T>(modelVersion: string, fn: () => Promise<T>) => Promise<T>;
}

const WEBHOOK_TIMEOUT_MS = 10_000;

const threadInput = (deps: AnalysisDeps, job: AnalysisJob): ThreadInput => ({
  s3: deps.config.s3,
  bucket: deps.config.s3.bucket,
  assayVersion: deps.version,
  job,
});

/**
 * How an analysis error ends its attempt: an S3 outage defers the job (no attempt used), an AssayError other
 * than storage_unavailable is permanent (the same runs give the same answer), anything else is retried.
 */
async function classify(deps: AnalysisDeps, err: unknown): Promise<unknown> {
  if (err instanceof AssayError && err.code === ErrorCode.StorageUnavailable)
    return (await deps.storageReachable()) ? err : new DependencyOutage('s3', err.message);
  if (err instanceof AssayError) return new UnrecoverableError(`${err.code}: ${err.message}`);
  return err;
}

const reasonOf = (err: unknown) =>
  err instanceof AssayError
    ? { code: err.code, message: err.message }
    : { code: ErrorCode.Internal, message: err instanceof Error ? err.message : String(err) };

/** `compute-run-metrics`: the closed run's run-level metrics, in a thread, to `runs/<id>/run-metrics.json`, then its Parquet export. */
export function computeRunMetricsHandler(deps: AnalysisDeps): JobHandler<typeof JobName.ComputeRunMetrics> {
  return async (job, log, signal) => {
    const { runId, closedAt } = parseOrThrow(ComputeRunMetricsPayload, job.data, ErrorCode.InvalidPayload);
    const counts = await deps.runs.counts(runId);
    const run = await deps.runs.get(runId);
    if (!run) throw new UnrecoverableError(`no run ${runId}`);
    await deps.runs.setRunMetricsState(runId, { status: 'running' });
    try {
      const report = await runInThread<RunMetricsReport>(
        threadInput(deps, { kind: 'run-metrics', runId, counts, suite: run.suite, closedAt }),
        signal,
      );
      await foldRolling(deps, run, runEmbeddingSets(report), signal);
      await deps.runs.setRunMetricsState(runId, { status: 'done' });
      deps.metrics.runMetrics.inc({ outcome: 'done' });
      log.info({ runId, records: report.records, metrics: report.metrics.length }, 'run-level metrics written');
      return { records: report.records };
    } catch (err) {
      const next = await classify(deps, err);
      if (next instanceof DependencyOutage) await deps.runs.setRunMetricsState(runId, { status: 'pending' });
      else if (isFinalAttempt(job, next)) {
        await deps.runs.setRunMetricsState(runId, { status: 'failed', error: reasonOf(err) });
        deps.metrics.runMetrics.inc({ outcome: 'failed' });
      }
      throw next;
    }
  };
}

/**
 * A closed run's embedding moments join its model version's rolling statistics, which are then measured against
 * every reference set of the same extractor (`assay_distribution_frechet`); one writer per model version.
 */
async function foldRolling(deps: AnalysisDeps, run: RunRecord, runSets: EmbeddingSetSummary[], signal?: AbortSignal): Promise<void> {
  if (!runSets.length) return;
  const job = { kind: 'fold-rolling' as const, runId: run.id, modelVersion: run.modelVersion, runSets };
  const rolled = await deps.withModelVersionLock(run.modelVersion, () => runInThread<RollingFrechet[]>(threadInput(deps, job), signal));
  for (const r of rolled) deps.metrics.observeFrechet(r);
}

/** The policy a comparison was accepted with: inline as stored, else by name (it may since have been removed). */
function policyOf(deps: AnalysisDeps, record: ComparisonRecord): PolicyDefinition {
  if (record.inlinePolicy) return { ...PolicyFile.parse(record.inlinePolicy), source: 'inline' };
  const policy = deps.policies.get(record.policy);
  if (!policy) throw new AssayError(ErrorCode.UnknownPolicy, `policy ${record.policy} is no longer configured`);
  return policy;
}

async function closedRunRef(deps: AnalysisDeps, runId: string, record: ComparisonRecord) {
  const run = await deps.runs.get(runId);
  if (!run || run.status !== 'closed') throw new AssayError(ErrorCode.RunNotFound, `run ${runId} is gone or no longer closed`);
  return runRef(run, await deps.runs.counts(runId), record.modality);
}

/** `compare-runs`: the comparison computed in a thread, stored with its report, its verdict recorded and sent. */
export function compareRunsHandler(deps: AnalysisDeps): JobHandler<typeof JobName.CompareRuns> {
  return async (job, log, signal) => {
    const { comparisonId } = parseOrThrow(CompareRunsPayload, job.data, ErrorCode.InvalidPayload);
    const state = await deps.comparisons.get(comparisonId);
    if (!state) throw new UnrecoverableError(`no comparison ${comparisonId}`);
    if (state.status === 'done') return { verdict: state.verdict };
    await deps.comparisons.markRunning(comparisonId);
    let result: ComparisonResult;
    try {
      const { record } = state;
      const [baseline, candidate] = await Promise.all([
        closedRunRef(deps, record.baselineRunId, record),
        closedRunRef(deps, record.candidateRunId, record),
      ]);
      const task = { record, policy: policyOf(deps, record), baseline, candidate };
      result = await runInThread<ComparisonResult>(threadInput(deps, { kind: 'compare', task }), signal);
    } catch (err) {
      const next = await classify(deps, err);
      if (next instanceof DependencyOutage) await deps.comparisons.markQueued(comparisonId);
      else if (isFinalAttempt(job, next)) {
        await deps.comparisons.markFailed(comparisonId, reasonOf(err));
        deps.metrics.comparisons.inc({ outcome: 'failed' });
      }
      throw next;
    }
    await deps.comparisons.markDone(comparisonId, result.verdict.outcome);
    deps.metrics.observeVerdict(result);
    log.info(
      { comparisonId, verdict: result.verdict.outcome, policy: result.verdict.policy.name, scores: result.scores.length },
      'comparison done',
    );
    if (deps.config.comparisonWebhook)
      await deps.queues.add(QueueName.Analysis, JobName.DeliverVerdict, { comparisonId }, { jobId: verdictDeliveryJobId(comparisonId) });
    return { verdict: result.verdict.outcome };
  };
}

/**
 * What a release pipeline receives: the verdict, the two model versions, what blocked, where the report is, and
 * for a sweep's comparison the sweep, its date and where its outcome is published.
 */
export function verdictDelivery(result: ComparisonResult, bucket: string, sweep?: ComparisonRecord['sweep']): VerdictDelivery {
  const side = (r: ComparisonResult['baseline']) => ({ runId: r.runId, name: r.name, modelVersion: r.modelVersion });
  return {
    event: 'comparison.done',
    comparisonId: result.id,
    verdict: result.verdict.outcome,
    policy: result.verdict.policy.name,
    baseline: side(result.baseline),
    candidate: side(result.candidate),
    blocking: result.verdict.criteria
      .filter((c) => c.outcome === 'fail' || c.outcome === 'inconclusive')
      .map((c) => ({ id: c.id, outcome: c.outcome, evidence: c.evidence })),
    finishedAt: result.finishedAt,
    resultUri: toS3Uri({ bucket, key: ComparisonObjects.result(result.id) }),
    reportUri: toS3Uri({ bucket, key: ComparisonObjects.report(result.id) }),
    ...(sweep ? { sweep: { ...sweep, outcomeUri: toS3Uri({ bucket, key: SweepObjects.verdict(sweep.name, sweep.date) }) } } : {}),
  };
}

/** A refusal the receiver will repeat: retrying cannot help (timeouts, 408, 429 and 5xx can). */
const permanentStatus = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

/** `deliver-verdict`: POSTs the verdict to COMPARISON_WEBHOOK_URL, signed; retried with backoff by the queue. */
export function deliverVerdictHandler(deps: AnalysisDeps): JobHandler<typeof JobName.DeliverVerdict> {
  return async (job: Job<CompareRunsPayload>, log: Logger) => {
    const hook = deps.config.comparisonWebhook;
    if (!hook) return { skipped: 'no webhook configured' };
    const { comparisonId } = parseOrThrow(CompareRunsPayload, job.data, ErrorCode.InvalidPayload);
    const bucket = deps.config.s3.bucket;
    const bytes = await deps.store.get({ bucket, key: ComparisonObjects.result(comparisonId) });
    const sweep = (await deps.comparisons.get(comparisonId))?.record.sweep;
    const body = JSON.stringify(verdictDelivery(ComparisonResult.parse(JSON.parse(Buffer.from(bytes).toString('utf8'))), bucket, sweep));
    const timestamp = String(Math.floor(Date.now() / 1000));
    let failure: Error;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signHook(hook.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (res.ok) {
        deps.metrics.deliveries.inc({ outcome: 'delivered' });
        log.info({ comparisonId, status: res.status }, 'verdict delivered');
        return { status: res.status };
      }
      failure = permanentStatus(res.status)
        ? new UnrecoverableError(`the verdict webhook answered ${res.status}`)
        : new Error(`the verdict webhook answered ${res.status}`);
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    }
    deps.metrics.deliveries.inc({ outcome: isFinalAttempt(job, failure) ? 'failed' : 'retried' });
    throw failure;
  };
}
