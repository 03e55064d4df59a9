import { Inject, Injectable } from '@nestjs/common';
import {
  AssayError,
  CreateRunRequest,
  ErrorCode,
  parseOrThrow,
  RunObjects,
  SCORING_QUEUE_BY_MODALITY,
  toS3Uri,
  type AssetState,
  type ResultRecord,
  type RunRecord,
  type RunSummary,
  type RunView,
  type RunMetricsReport,
  type RunMetricsView,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { buildSummary, type RunAggregates } from '@assay/aggregation';
import type { Logger } from '@assay/observability';
import type { QueueSet } from '@assay/queue';
import type { RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import type { SuiteCatalog, SuiteDefinition } from '@assay/suites';
import type { RunIntake } from '@assay/intake';
import { CONFIG, LOGGER, METRIC_CATALOG, OBJECT_STORE, QUEUES, RUN_AGGREGATES, RUN_INTAKE, RUN_STORE, SUITES } from '../tokens.js';
import type { MetricCatalog } from '@assay/metric-catalog';
import type { AssetView } from '../api-schemas.js';
import { IntakeService } from './intake.service.js';

@Injectable()
export class RunsService {
  constructor(
    @Inject(CONFIG) private readonly config: AssayConfig,
    @Inject(RUN_STORE) private readonly runs: RunStore,
    @Inject(RUN_AGGREGATES) private readonly aggregates: RunAggregates,
    @Inject(QUEUES) private readonly queues: QueueSet,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SUITES) private readonly suites: SuiteCatalog,
    @Inject(METRIC_CATALOG) private readonly catalog: MetricCatalog,
    private readonly intake: IntakeService,
    @Inject(RUN_INTAKE) private readonly runIntake: RunIntake,
  ) {}

  async create(body: unknown, requestId: string): Promise<RunView> {
    const run = await this.runIntake.createRun(parseOrThrow(CreateRunRequest, body), requestId);
    return this.view(run.id);
  }

  listSuites(): SuiteDefinition[] {
    return this.suites.list();
  }

  async view(runId: string): Promise<RunView> {
    return this.viewOf(await this.intake.requireRun(runId));
  }

  async viewOf(run: RunRecord): Promise<RunView> {
    return {
      ...run,
      counts: await this.runs.counts(run.id),
      summaryUri: toS3Uri({ bucket: this.config.s3.bucket, key: RunObjects.summary(run.id) }),
    };
  }

  async asset(runId: string, assetId: string): Promise<AssetView> {
    await this.intake.requireRun(runId);
    const asset = await this.runs.getAsset(runId, assetId);
    if (!asset) throw new AssayError(ErrorCode.AssetNotFound, `run ${runId} has no asset ${assetId}`);
    const upload = await this.runs.uploadState(runId, asset);
    const contentUri =
      upload.kind === 'uploaded' ? toS3Uri({ bucket: this.config.s3.bucket, key: RunObjects.content(runId, upload.sha256) }) : asset.uri;
    const done = await this.runs.isDone(runId, assetId);
    if (done) {
      const bytes = await this.store
        .get({ bucket: this.config.s3.bucket, key: RunObjects.assetResult(runId, assetId) })
        .catch(() => undefined);
      const result = bytes && parseStored<ResultRecord>(bytes);
      return { runId, asset, state: done as AssetState, contentUri, result };
    }
    // bound bytes are not there until their upload completes
    if (upload.kind === 'awaiting' || upload.kind === 'uploading') return { runId, asset, state: 'awaiting_content' };
    const job = await this.queues.get(SCORING_QUEUE_BY_MODALITY[asset.modality]).getJob(asset.jobId);
    const jobState = job ? await job.getState() : 'unknown';
    const state: AssetState = jobState === 'active' ? 'active' : jobState === 'failed' ? 'failed' : 'queued';
    return {
      runId,
      asset,
      state,
      contentUri,
      job: job ? { state: jobState, attemptsMade: job.attemptsMade, failedReason: job.failedReason || undefined } : undefined,
    };
  }

  /** open → closing, and a `close-run` job; the aggregator closes the run once every asset has a result. */
  async close(runId: string, requestId: string): Promise<RunView> {
    await this.runIntake.close(runId, requestId);
    return this.view(runId);
  }

  /** The run-level metrics computed after the run closed: their state, then the stored report. */
  async runMetrics(runId: string): Promise<RunMetricsView> {
    const run = await this.intake.requireRun(runId);
    const state = (await this.runs.runMetricsState(runId)) ?? { status: 'pending' as const };
    if (run.status !== 'closed' || state.status !== 'done') return { runId, ...state };
    const bytes = await this.store.get({ bucket: this.config.s3.bucket, key: RunObjects.runMetrics(runId) });
    const report = parseStored<RunMetricsReport>(bytes);
    return report ? { runId, status: 'done', report } : { runId, status: 'running' };
  }

  /** The final summary from S3 once the run is closed; a live one computed from the aggregates before. */
  async summary(runId: string): Promise<RunSummary> {
    const run = await this.intake.requireRun(runId);
    if (run.status === 'closed') {
      const bytes = await this.store.get({ bucket: this.config.s3.bucket, key: RunObjects.summary(runId) }).catch(() => undefined);
      const summary = bytes && parseStored<RunSummary>(bytes);
      if (summary?.final) return summary;
    }
    const [counts, state] = await Promise.all([this.runs.counts(runId), this.aggregates.state(runId)]);
    return buildSummary(run, counts, state, this.config.s3.bucket, this.catalog);
  }
}

/**
 * A stored JSON object, or undefined when it cannot be parsed: the embedded store (s3rver) writes objects in
 * place, so a read racing a rewrite can see half a file. Callers fall back (live summary, no result yet).
 */
function parseStored<T>(bytes: Uint8Array): T | undefined {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
