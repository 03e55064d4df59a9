import {
  AssayError,
  closeJobId,
  ErrorCode,
  isModalityEnabled,
  JobName,
  parseS3Uri,
  QueueName,
  RunObjects,
  s3KeyProblem,
  SCORING_QUEUE_BY_MODALITY,
  scoreJobId,
  type AcceptedAsset,
  type AssetRecord,
  type AssetSubmission,
  type CreateRunRequest,
  type FieldIssue,
  type ObjectRef,
  type RunRecord,
  type RunStatus,
  type ScoreAssetPayload,
  type SubmitAssetsResponse,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import type { Logger } from '@assay/observability';
import type { QueueSet } from '@assay/queue';
import type { RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import type { SuiteCatalog } from '@assay/suites';

export interface RunIntakeDeps {
  config: Pick<AssayConfig, 's3'>;
  runs: RunStore;
  queues: QueueSet;
  store: ObjectStore;
  suites: SuiteCatalog;
  logger: Logger;
}

/**
 * Creating runs, accepting their assets and closing them: validation, idempotency by (run, asset id), and
 * queueing. Jobs are queued before the asset is recorded, so a failure in between leaves a queued job (deduped
 * by its id on retry), never a recorded asset without a job. The API and the sweep runner both go through here.
 */
export class RunIntake {
  constructor(private readonly deps: RunIntakeDeps) {}

  /** `runId` lets a caller that must survive a crash (a sweep) choose the id first and find the run again. */
  async createRun(req: CreateRunRequest, requestId: string, runId?: string): Promise<RunRecord> {
    const { suites, runs, store, config, logger } = this.deps;
    if (!suites.get(req.suite)) {
      const known = suites
        .list()
        .map((s) => s.name)
        .join(', ');
      throw new AssayError(ErrorCode.UnknownSuite, `no suite ${req.suite}; known: ${known}`, [{ path: 'suite', message: 'unknown suite' }]);
    }
    const run = await runs.create(req, runId);
    await store
      .put({ bucket: config.s3.bucket, key: RunObjects.run(run.id) }, JSON.stringify(run, null, 2), 'application/json')
      .catch((err) => logger.warn({ err, runId: run.id }, 'could not write run.json; the summary will carry the run'));
    logger.info({ requestId, runId: run.id, suite: run.suite, modelVersion: run.modelVersion }, 'run created');
    return run;
  }

  async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.deps.runs.get(runId);
    if (!run) throw new AssayError(ErrorCode.RunNotFound, `no run ${runId}`);
    return run;
  }

  async requireOpenRun(runId: string): Promise<RunRecord> {
    const run = await this.requireRun(runId);
    if (run.status !== 'open') throw new AssayError(ErrorCode.RunClosed, `run ${runId} is ${run.status}; open a new run`);
    return run;
  }

  /** Accepts a batch of (already parsed) assets into an open run; resubmitted ids are duplicates. */
  async submit(runId: string, assets: AssetSubmission[], requestId: string): Promise<SubmitAssetsResponse> {
    const { runs, queues, logger } = this.deps;
    const run = await this.requireOpenRun(runId);
    this.checkAssets(run, assets);

    const now = new Date().toISOString();
    const seen = new Set<string>();
    const unique = assets.filter((a) => !seen.has(a.assetId) && seen.add(a.assetId));
    const existing = await runs.existing(
      runId,
      unique.map((a) => a.assetId),
    );
    const fresh: AssetRecord[] = unique
      .filter((a) => !existing.has(a.assetId))
      .map((a) => ({ ...a, jobId: scoreJobId(runId, a.assetId), submittedAt: now, requestId }));

    const byQueue = new Map<QueueName, AssetRecord[]>();
    for (const a of fresh.filter((x) => x.uri)) {
      const queue = SCORING_QUEUE_BY_MODALITY[a.modality];
      const group = byQueue.get(queue) ?? [];
      group.push(a);
      byQueue.set(queue, group);
    }
    for (const [queue, group] of byQueue) {
      await queues.addBulk(
        queue,
        group.map((a) => ({ name: JobName.ScoreAsset, data: scorePayload(run, a, parseS3Uri(a.uri!)!), opts: { jobId: a.jobId } })),
      );
    }
    const isNew = await runs.record(runId, fresh, assets.length - fresh.length);
    const accepted = new Set(fresh.filter((_, i) => isNew[i]).map((a) => a.assetId));
    const firstSeen = new Set<string>();
    const out: AcceptedAsset[] = assets.map((a) => {
      const duplicate = !accepted.has(a.assetId) || firstSeen.has(a.assetId);
      firstSeen.add(a.assetId);
      return { assetId: a.assetId, jobId: scoreJobId(runId, a.assetId), state: a.uri ? 'queued' : 'awaiting_content', duplicate };
    });
    const duplicates = out.filter((a) => a.duplicate).length;
    logger.info({ requestId, runId, accepted: out.length - duplicates, duplicates }, 'assets submitted');
    return { runId, accepted: out.length - duplicates, duplicates, assets: out };
  }

  /**
   * open → closing, and a `close-run` job; the aggregator closes the run once every asset has a result. A run
   * already closing gets its job again (deduped by its id), so a close interrupted between the two completes.
   */
  async close(runId: string, requestId?: string): Promise<RunStatus> {
    const status = await this.deps.runs.requestClose(runId);
    if (!status) throw new AssayError(ErrorCode.RunNotFound, `no run ${runId}`);
    if (status === 'closing') {
      await this.deps.queues.add(
        QueueName.Aggregate,
        JobName.CloseRun,
        { runId, requestedAt: new Date().toISOString(), requestId },
        { jobId: closeJobId(runId) },
      );
      this.deps.logger.info({ requestId, runId }, 'run close requested');
    }
    return status;
  }

  private checkAssets(run: RunRecord, assets: AssetSubmission[]): void {
    const suite = this.deps.suites.get(run.suite);
    const disabled: FieldIssue[] = [];
    const mismatched: FieldIssue[] = [];
    const outside: FieldIssue[] = [];
    assets.forEach((a, i) => {
      if (!isModalityEnabled(a.modality))
        disabled.push({ path: `assets.${i}.modality`, message: `modality ${a.modality} is not enabled yet` });
      else if (suite && suite.modality !== a.modality)
        mismatched.push({ path: `assets.${i}.modality`, message: `suite ${suite.name} scores ${suite.modality}, not ${a.modality}` });
      for (const field of ['uri', 'referenceUri'] as const) {
        const ref = a[field] ? parseS3Uri(a[field]) : undefined;
        const problem = ref && this.uriProblem(run, ref);
        if (problem) outside.push({ path: `assets.${i}.${field}`, message: problem });
      }
    });
    if (disabled.length)
      throw new AssayError(ErrorCode.ModalityNotEnabled, `${disabled.length} asset(s) use a modality that is not enabled`, disabled);
    if (mismatched.length) throw new AssayError(ErrorCode.ValidationFailed, 'asset modality does not match the run suite', mismatched);
    if (outside.length) throw new AssayError(ErrorCode.UriNotAllowed, `${outside.length} URI(s) are not allowed`, outside);
  }

  /**
   * What a submitted URI may point to: a key without `.`/`..`/empty segments in an allowed bucket, and in
   * the service bucket's `runs/` prefix only this run's own objects (API keys are one tenant; runs do not
   * read each other's uploads).
   */
  private uriProblem(run: RunRecord, ref: ObjectRef): string | undefined {
    const { s3 } = this.deps.config;
    if (!s3.allowedBuckets.includes(ref.bucket)) return `bucket ${ref.bucket} is not in S3_ALLOWED_BUCKETS`;
    const keyProblem = s3KeyProblem(ref.key);
    if (keyProblem) return keyProblem;
    if (ref.bucket === s3.bucket && ref.key.startsWith(RunObjects.root) && !ref.key.startsWith(RunObjects.prefix(run.id))) {
      return `${RunObjects.root}… of bucket ${ref.bucket} holds Assay's runs; a run may only refer to its own objects (${RunObjects.prefix(run.id)}…)`;
    }
    return undefined;
  }
}

/** The `score-asset` job of an asset of `run`, reading `source` (an upload also pins the bytes' sha256). */
export function scorePayload(run: RunRecord, asset: AssetRecord, source: ObjectRef, sourceSha256?: string): ScoreAssetPayload {
  return {
    runId: run.id,
    assetId: asset.assetId,
    modality: asset.modality,
    suite: run.suite,
    modelVersion: run.modelVersion,
    runName: run.name,
    runLabels: run.labels,
    source,
    sourceSha256,
    reference: asset.referenceUri ? parseS3Uri(asset.referenceUri) : undefined,
    prompt: asset.prompt,
    attributes: asset.attributes,
    submittedAt: asset.submittedAt,
    requestId: asset.requestId,
  };
}
