import { Inject, Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import {
  AssayError,
  CausalAnalysis,
  CausalRequest,
  CreateEventImportRequest,
  CreateExperimentRequest,
  ErrorCode,
  EventBatch,
  ExperimentObjects,
  JobName,
  PlanRequest,
  QueueName,
  importEventsJobId,
  newEventImportId,
  newExperimentId,
  parseOrThrow,
  parseS3Uri,
  sha256Hex,
  type EventBatchResult,
  type EventImport,
  type ExperimentAnalysis,
  type ExperimentRecord,
  type ExperimentView,
  type FieldIssue,
  type PlanResult,
  type ResultRecord,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { renderExperimentReport } from '@assay/experiment-report';
import {
  analyzeCausal,
  analyzeExperiment,
  importFormat,
  joinAssets,
  loadUnits,
  planExperiment,
  type ExperimentStore,
} from '@assay/experiments';
import type { Logger } from '@assay/observability';
import type { QueueSet } from '@assay/queue';
import { ResultParts } from '@assay/results';
import type { RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import { CONFIG, EXPERIMENT_EVENTS, EXPERIMENT_STORE, LOGGER, OBJECT_STORE, QUEUES, RUN_STORE } from '../tokens.js';

const invalid = (path: string, message: string) => new AssayError(ErrorCode.ValidationFailed, message, [{ path, message }]);

/** Experiments: definitions, events (API and S3 imports), the A/B readout, planning and the causal analysis. */
@Injectable()
export class ExperimentsService {
  constructor(
    @Inject(CONFIG) private readonly config: AssayConfig,
    @Inject(EXPERIMENT_STORE) private readonly experiments: ExperimentStore,
    @Inject(RUN_STORE) private readonly runs: RunStore,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(QUEUES) private readonly queues: QueueSet,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EXPERIMENT_EVENTS) private readonly events: Counter<'source' | 'outcome'>,
  ) {}

  async create(body: unknown, requestId: string): Promise<ExperimentView> {
    const req = parseOrThrow(CreateExperimentRequest, body);
    const keys = req.variants.map((v) => v.key);
    if (new Set(keys).size !== keys.length) throw invalid('variants', 'variant keys must differ');
    const control = req.control ?? keys[0];
    if (!keys.includes(control)) throw invalid('control', `no variant ${control}`);
    const metrics = [req.primaryMetric, ...req.secondaryMetrics, ...req.guardrails];
    if (new Set(metrics.map((m) => m.key)).size !== metrics.length) throw invalid('secondaryMetrics', 'metric keys must differ');
    req.guardrails.forEach((g, i) => {
      if (!g.nonInferiorityMargin)
        throw invalid(`guardrails.${i}.nonInferiorityMargin`, `guardrail ${g.key} needs a non-inferiority margin`);
    });
    for (const v of req.variants) {
      if (!v.runId) continue;
      const run = await this.runs.get(v.runId);
      if (!run) throw new AssayError(ErrorCode.RunNotFound, `no run ${v.runId} (variant ${v.key})`);
    }
    const record: ExperimentRecord = { ...req, control, id: newExperimentId(), status: 'running', createdAt: new Date().toISOString() };
    // S3 first: an experiment Redis knows always has its definition in the bucket
    await this.put(ExperimentObjects.experiment(record.id), record);
    await this.experiments.create(record);
    this.logger.info({ requestId, experimentId: record.id, variants: keys.length }, 'experiment created');
    return this.viewOf(record);
  }

  async list(): Promise<ExperimentView[]> {
    const ids = await this.experiments.list();
    const records = await Promise.all(ids.map((id) => this.experiments.get(id)));
    return Promise.all(records.filter((r): r is ExperimentRecord => r !== undefined).map((r) => this.viewOf(r)));
  }

  async view(experimentId: string): Promise<ExperimentView> {
    return this.viewOf(await this.experiments.require(experimentId));
  }

  async stop(experimentId: string, requestId: string): Promise<ExperimentView> {
    const stopped = await this.experiments.stop(experimentId, new Date().toISOString());
    await this.put(ExperimentObjects.experiment(experimentId), stopped);
    this.logger.info({ requestId, experimentId }, 'experiment stopped');
    return this.viewOf(stopped);
  }

  /**
   * A batch of events (and pre-period covariates): checked whole (one unknown variant refuses the batch, so a
   * retry after fixing it is simple), stored raw in S3, then folded into the unit aggregates.
   */
  async ingest(experimentId: string, body: unknown, requestId: string): Promise<EventBatchResult> {
    const experiment = await this.requireRunning(experimentId);
    const batch = parseOrThrow(EventBatch, body);
    const variants = new Set(experiment.variants.map((v) => v.key));
    const unknown: FieldIssue[] = [];
    batch.events.forEach((e, i) => {
      if (!variants.has(e.variant) && unknown.length < 20)
        unknown.push({ path: `events.${i}.variant`, message: `no variant ${e.variant}` });
    });
    if (unknown.length) {
      this.events.inc({ source: 'api', outcome: 'rejected' }, batch.events.length);
      throw new AssayError(
        ErrorCode.UnknownVariant,
        `events name variants the experiment does not have (it has ${[...variants].join(', ')})`,
        unknown,
      );
    }
    const bucket = this.config.s3.bucket;
    if (batch.events.length) {
      const lines = batch.events.map((e) => JSON.stringify(e)).join('\n') + '\n';
      await this.store.put({ bucket, key: ExperimentObjects.eventBatch(experimentId, sha256Hex(lines)) }, lines, 'application/x-ndjson');
    }
    if (batch.units.length) {
      const lines = batch.units.map((u) => JSON.stringify(u)).join('\n') + '\n';
      await this.store.put({ bucket, key: ExperimentObjects.unitBatch(experimentId, sha256Hex(lines)) }, lines, 'application/x-ndjson');
    }
    const result = await this.experiments.ingest(experiment, batch.events);
    await this.experiments.setCovariates(experiment, batch.units);
    this.events.inc({ source: 'api', outcome: 'accepted' }, result.accepted);
    this.events.inc({ source: 'api', outcome: 'duplicate' }, result.duplicates);
    this.logger.debug({ requestId, experimentId, ...result }, 'events ingested');
    return result;
  }

  async startImport(experimentId: string, body: unknown, requestId: string): Promise<EventImport> {
    const experiment = await this.requireRunning(experimentId);
    const req = parseOrThrow(CreateEventImportRequest, body);
    const ref = parseS3Uri(req.uri.endsWith('/') ? `${req.uri}x` : req.uri);
    if (!ref) throw invalid('uri', `${req.uri} is not an s3://bucket/key URI`);
    if (!this.config.s3.allowedBuckets.includes(ref.bucket))
      throw new AssayError(ErrorCode.UriNotAllowed, `bucket ${ref.bucket} is not one the service reads (S3_ALLOWED_BUCKETS)`, [
        { path: 'uri', message: req.uri },
      ]);
    const record: EventImport = {
      importId: newEventImportId(),
      experimentId: experiment.id,
      uri: req.uri,
      format: importFormat(req.uri, req.format),
      status: 'queued',
      objects: 0,
      read: 0,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      rejectedByCode: {},
      errors: [],
      createdAt: new Date().toISOString(),
    };
    await this.experiments.saveImport(record);
    await this.queues.add(
      QueueName.Analysis,
      JobName.ImportEvents,
      { experimentId, importId: record.importId, requestId },
      { jobId: importEventsJobId(record.importId) },
    );
    this.logger.info({ requestId, experimentId, importId: record.importId, uri: req.uri }, 'event import queued');
    return record;
  }

  async listImports(experimentId: string): Promise<EventImport[]> {
    await this.experiments.require(experimentId);
    return this.experiments.listImports(experimentId);
  }

  async getImport(experimentId: string, importId: string): Promise<EventImport> {
    await this.experiments.require(experimentId);
    return this.experiments.getImport(experimentId, importId);
  }

  /** The readout over every unit so far; each computation is kept in S3 (the latest one). */
  async analysis(experimentId: string): Promise<ExperimentAnalysis> {
    const experiment = await this.experiments.require(experimentId);
    const sent = await this.experiments.covariateNames(experimentId);
    const wanted = [experiment.primaryMetric, ...experiment.secondaryMetrics, ...experiment.guardrails]
      .map((m) => m.covariate)
      .filter((c): c is string => c !== undefined && sent.includes(c));
    const table = await loadUnits(this.experiments, experiment, [...new Set(wanted)]);
    const counts = await this.experiments.counts(experiment);
    const analysis = analyzeExperiment({
      experiment,
      table,
      covariates: sent,
      events: { accepted: counts.events, duplicates: counts.duplicates },
    });
    await this.put(ExperimentObjects.analysis(experimentId), analysis);
    return analysis;
  }

  async plan(body: unknown): Promise<PlanResult> {
    return planExperiment(parseOrThrow(PlanRequest, body));
  }

  /** The causal analysis of an asset attribute, joined from the variants' runs; kept in S3 for the report. */
  async causal(experimentId: string, body: unknown, requestId: string): Promise<CausalAnalysis> {
    const experiment = await this.experiments.require(experimentId);
    const req = parseOrThrow(CausalRequest, body);
    if (!experiment.variants.some((v) => v.runId))
      throw invalid('variants', 'no variant names the run it shows (variants[].runId): there are no scores to join');
    const parts = new ResultParts(this.store, this.config.s3.bucket);
    const results = (runId: string) => this.runResults(parts, runId);
    const joined = await joinAssets(experiment, await this.experiments.assets(experimentId), req.outcome, req.minExposures, results);
    const analysis = analyzeCausal(experiment, req, joined);
    await this.put(ExperimentObjects.causal(experimentId), analysis);
    this.logger.info({ requestId, experimentId, assets: analysis.assets.joined, aipw: analysis.aipw.estimate }, 'causal analysis computed');
    return analysis;
  }

  async lastCausal(experimentId: string): Promise<CausalAnalysis | undefined> {
    const bytes = await this.store
      .get({ bucket: this.config.s3.bucket, key: ExperimentObjects.causal(experimentId) })
      .catch(() => undefined);
    return bytes ? CausalAnalysis.parse(JSON.parse(Buffer.from(bytes).toString('utf8'))) : undefined;
  }

  /** The HTML report: a fresh readout, with the latest causal analysis when there is one. */
  async report(experimentId: string): Promise<string> {
    const analysis = await this.analysis(experimentId);
    const experiment = await this.experiments.require(experimentId);
    return renderExperimentReport({ experiment, analysis, causal: await this.lastCausal(experimentId) });
  }

  private async *runResults(parts: ResultParts, runId: string): AsyncGenerator<ResultRecord> {
    const run = await this.runs.get(runId);
    if (!run || run.status !== 'closed')
      throw new AssayError(ErrorCode.RunNotClosed, `run ${runId} is not closed: its scores are not final`);
    const counts = await this.runs.counts(runId);
    for await (const { record } of parts.records(runId, counts.completed + counts.failed)) yield record;
  }

  private async requireRunning(experimentId: string): Promise<ExperimentRecord> {
    const experiment = await this.experiments.require(experimentId);
    if (experiment.status !== 'running') throw new AssayError(ErrorCode.ExperimentStopped, `experiment ${experimentId} is stopped`);
    return experiment;
  }

  private async viewOf(record: ExperimentRecord): Promise<ExperimentView> {
    const counts = await this.experiments.counts(record);
    return {
      ...record,
      counts: { events: counts.events, duplicates: counts.duplicates, units: counts.units, unitsByVariant: counts.unitsByVariant },
    };
  }

  private put(key: string, value: unknown): Promise<void> {
    return this.store.put({ bucket: this.config.s3.bucket, key }, JSON.stringify(value), 'application/json');
  }
}
