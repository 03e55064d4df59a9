import { Inject, Injectable } from '@nestjs/common';
import {
  AssayError,
  CreateRatersRequest,
  CreateStudyRequest,
  ErrorCode,
  newStudyId,
  parseOrThrow,
  StudyObjects,
  type RaterInvite,
  type RunRecord,
  type StudyAnalysis,
  type StudyItem,
  type StudyRecord,
  type StudyView,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import type { MetricCatalog } from '@assay/metric-catalog';
import type { Logger } from '@assay/observability';
import type { RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import { analyzeStudy, buildGoldItems, buildItems, raterQuality, type RunToRate, type StudyStore } from '@assay/studies';
import { goldenSetManifest, labelStudioExport, parseLabelStudioExport, rlhfPairs, toJsonl, type ExportContext } from '@assay/study-exports';
import type { IngestMetrics } from '../ingest-metrics.js';
import { CONFIG, INGEST_METRICS, LOGGER, METRIC_CATALOG, OBJECT_STORE, RUN_STORE, STUDY_STORE } from '../tokens.js';

/** The exports a study offers, by file name (StudyObjects.export). */
export const STUDY_EXPORTS = ['rlhf-pairs.jsonl', 'label-studio.json', 'golden-set.json'] as const;
export type StudyExport = (typeof STUDY_EXPORTS)[number];

/** Studies: created from closed runs, raters invited, closed; answers kept in Redis and snapshotted to S3. */
@Injectable()
export class StudiesService {
  constructor(
    @Inject(CONFIG) private readonly config: AssayConfig,
    @Inject(STUDY_STORE) private readonly studies: StudyStore,
    @Inject(RUN_STORE) private readonly runs: RunStore,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(METRIC_CATALOG) private readonly catalog: MetricCatalog,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(INGEST_METRICS) private readonly metrics: IngestMetrics,
  ) {}

  async create(body: unknown, requestId: string): Promise<StudyView> {
    const req = parseOrThrow(CreateStudyRequest, body);
    if (req.protocol === 'pairwise' && req.runs.length < 2)
      throw invalid('runs', 'a pairwise study compares at least two runs (one per model version)');
    if (req.protocol === 'pairwise' && req.dimensions.length !== 1)
      throw invalid('dimensions', 'a pairwise study asks one question: give exactly one dimension');
    if (new Set(req.runs).size !== req.runs.length) throw invalid('runs', 'a run is listed twice');
    if (new Set(req.dimensions.map((d) => d.key)).size !== req.dimensions.length) throw invalid('dimensions', 'dimension keys must differ');
    const runs = await Promise.all(req.runs.map((id) => this.closedRun(id)));
    const bucket = this.config.s3.bucket;
    const items = [
      ...(await buildItems(this.store, bucket, req, runs)),
      ...(req.gold ? await buildGoldItems(this.store, bucket, req, req.gold.items) : []),
    ];
    const { runs: _runs, gold, ...settings } = req;
    const record: StudyRecord = {
      ...settings,
      id: newStudyId(),
      runs: runs.map(({ run }) => ({ runId: run.id, modelVersion: run.modelVersion, name: run.name })),
      goldRate: gold?.rate ?? 0,
      items: items.filter((i) => !i.gold).length,
      goldItems: items.filter((i) => i.gold).length,
      createdAt: new Date().toISOString(),
      status: 'open',
    };
    // S3 first: a study Redis knows always has its definition in the bucket
    await this.put(StudyObjects.items(record.id), items);
    await this.put(StudyObjects.study(record.id), record);
    await this.studies.create(record, items);
    this.logger.info({ requestId, studyId: record.id, protocol: record.protocol, items: record.items }, 'study created');
    return this.viewOf(record);
  }

  async list(): Promise<StudyView[]> {
    const ids = await this.studies.list();
    const records = await Promise.all(ids.map((id) => this.studies.get(id)));
    return Promise.all(records.filter((r): r is StudyRecord => r !== undefined).map((r) => this.viewOf(r)));
  }

  async view(studyId: string): Promise<StudyView> {
    return this.viewOf(await this.studies.require(studyId));
  }

  async invite(studyId: string, body: unknown, requestId: string): Promise<RaterInvite[]> {
    const study = await this.requireOpen(studyId);
    const req = parseOrThrow(CreateRatersRequest, body);
    const invites = await this.studies.invite(study, req.raters, new Date());
    this.logger.info({ requestId, studyId, raters: invites.length }, 'raters invited');
    return invites.map(({ rater, token }) => ({
      raterId: rater.raterId,
      name: rater.name,
      token,
      url: `/rate/${studyId}/${token}`,
      expiresAt: rater.expiresAt!,
    }));
  }

  /** Closes the study (no more answers) and stores its answers and analysis in S3. */
  async close(studyId: string, requestId: string): Promise<StudyView> {
    const study = await this.studies.close(studyId, new Date().toISOString());
    await this.put(StudyObjects.study(studyId), study);
    await this.analysis(studyId);
    this.logger.info({ requestId, studyId }, 'study closed');
    return this.viewOf(study);
  }

  /**
   * The analysis of the answers so far (open) or of all of them (closed, computed once and kept). Each
   * computation snapshots the answers to S3 and records the calibration for the agreement gauge.
   */
  async analysis(studyId: string): Promise<StudyAnalysis> {
    const study = await this.studies.require(studyId);
    const bucket = this.config.s3.bucket;
    if (study.status === 'closed') {
      const stored = await this.store.get({ bucket, key: StudyObjects.analysis(studyId) }).catch(() => undefined);
      if (stored) return JSON.parse(Buffer.from(stored).toString('utf8')) as StudyAnalysis;
    }
    const { items, raters, answers } = await this.contents(study);
    answers.sort((a, b) => a.answeredAt.localeCompare(b.answeredAt) || a.itemId.localeCompare(b.itemId));
    const analysis = analyzeStudy(study, items, raters, answers, this.catalog);
    await this.store.put(
      { bucket, key: StudyObjects.answers(studyId) },
      answers.map((a) => JSON.stringify(a)).join('\n'),
      'application/x-ndjson',
    );
    await this.put(StudyObjects.analysis(studyId), analysis);
    await this.studies.saveCalibration(
      studyId,
      analysis.calibration.map((c) => ({ score: c.score, value: c.agreement.estimate })),
    );
    return analysis;
  }

  /**
   * An export built from the answers of the raters the quality checks keep, also written to S3 beside the
   * study. Asset URIs are the objects' s3:// URIs (the bytes stay in the bucket).
   */
  async export(studyId: string, file: string): Promise<{ body: string; type: string }> {
    if (!(STUDY_EXPORTS as readonly string[]).includes(file))
      throw new AssayError(ErrorCode.NotFound, `no export ${file}; the exports are ${STUDY_EXPORTS.join(', ')}`);
    const study = await this.studies.require(studyId);
    const { items, raters, answers } = await this.contents(study);
    const quality = raterQuality(study.quality, new Map(items.map((i) => [i.id, i])), raters, answers);
    const excluded = new Set(quality.filter((q) => q.excluded).map((q) => q.raterId));
    const ctx: ExportContext = { study, items, answers: answers.filter((a) => !excluded.has(a.raterId)), assetUri: (a) => a.uri };
    const body =
      file === 'rlhf-pairs.jsonl'
        ? toJsonl(rlhfPairs(ctx))
        : JSON.stringify(file === 'label-studio.json' ? labelStudioExport(ctx) : goldenSetManifest(ctx), null, 2);
    const type = file.endsWith('.jsonl') ? 'application/x-ndjson' : 'application/json';
    await this.store.put({ bucket: this.config.s3.bucket, key: StudyObjects.export(studyId, file) }, body, type);
    return { body, type };
  }

  /** Answers rated in Label Studio brought into the study: one per item and rater, so a repeated import changes nothing. */
  async importLabelStudio(studyId: string, body: unknown, requestId: string) {
    const study = await this.requireOpen(studyId);
    const parsed = parseLabelStudioExport(study, await this.items(study), body);
    await this.studies.addRaters(studyId, parsed.raters, new Date());
    const { added, replaced } = await this.studies.importAnswers(study, parsed.answers);
    this.metrics.studyAnswers.inc({ protocol: study.protocol, source: 'label-studio' }, added);
    this.logger.info({ requestId, studyId, added, replaced, skipped: parsed.skipped.length }, 'label studio answers imported');
    return { added, replaced, raters: parsed.raters.length, skipped: parsed.skipped };
  }

  items(study: StudyRecord): Promise<StudyItem[]> {
    return this.studies.items(study.id);
  }

  /** What the analysis and the exports read: the items, the raters and every answer. */
  private async contents(study: StudyRecord) {
    const [items, raters, answers] = await Promise.all([this.items(study), this.studies.raters(study.id), this.studies.answers(study.id)]);
    return { items, raters, answers };
  }

  async requireOpen(studyId: string): Promise<StudyRecord> {
    const study = await this.studies.require(studyId);
    if (study.status !== 'open') throw new AssayError(ErrorCode.StudyClosed, `study ${studyId} is closed`);
    return study;
  }

  private async viewOf(study: StudyRecord): Promise<StudyView> {
    const [raters, answers] = await Promise.all([this.studies.raters(study.id), this.studies.answers(study.id)]);
    const perItem = new Map<string, number>();
    for (const a of answers) if (!a.gold) perItem.set(a.itemId, (perItem.get(a.itemId) ?? 0) + 1);
    return {
      ...study,
      counts: {
        raters: raters.length,
        answers: answers.length,
        goldAnswers: answers.filter((a) => a.gold).length,
        itemsComplete: [...perItem.values()].filter((n) => n >= study.ratersPerItem).length,
      },
    };
  }

  private async closedRun(runId: string): Promise<RunToRate> {
    const run: RunRecord | undefined = await this.runs.get(runId);
    if (!run) throw new AssayError(ErrorCode.RunNotFound, `no run ${runId}`);
    if (run.status !== 'closed') throw new AssayError(ErrorCode.RunNotClosed, `run ${runId} is ${run.status}; a study rates closed runs`);
    const counts = await this.runs.counts(runId);
    return { run, records: counts.completed + counts.failed };
  }

  private put(key: string, value: unknown): Promise<void> {
    return this.store.put({ bucket: this.config.s3.bucket, key }, JSON.stringify(value), 'application/json');
  }
}

const invalid = (path: string, message: string) => new AssayError(ErrorCode.ValidationFailed, message, [{ path, message }]);
