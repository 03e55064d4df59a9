import { Inject, Injectable } from '@nestjs/common';
import {
  AssayError,
  ErrorCode,
  isModalityEnabled,
  JobName,
  MAX_ASSETS_PER_REQUEST,
  parseOrThrow,
  parseS3Uri,
  RunObjects,
  SCORING_QUEUE_BY_MODALITY,
  scoreJobId,
  sha256Hex,
  SubmitAssetsRequest,
  toS3Uri,
  type AcceptedAsset,
  type AssetRecord,
  type AssetSubmission,
  type FieldIssue,
  type ObjectRef,
  type QueueName,
  type RunRecord,
  type ScoreAssetPayload,
  type SubmitAssetsResponse,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import type { Logger } from '@assay/observability';
import type { QueueSet } from '@assay/queue';
import type { RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import type { SuiteCatalog } from '@assay/suites';
import type { IngestMetrics } from '../ingest-metrics.js';
import { CONFIG, INGEST_METRICS, LOGGER, OBJECT_STORE, QUEUES, RUN_STORE, SUITES } from '../tokens.js';

export interface UploadResult {
  runId: string;
  assetId: string;
  jobId: string;
  sha256: string;
  uri: string;
  duplicate: boolean;
}

/**
 * Accepting assets: validation, idempotency by (run, asset id), and queueing. Jobs are queued before the
 * asset is recorded, so a failure in between leaves a queued job (deduped by its id on retry), never a
 * recorded asset without a job.
 */
@Injectable()
export class IntakeService {
  constructor(
    @Inject(CONFIG) private readonly config: AssayConfig,
    @Inject(RUN_STORE) private readonly runs: RunStore,
    @Inject(QUEUES) private readonly queues: QueueSet,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(INGEST_METRICS) private readonly metrics: IngestMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SUITES) private readonly suites: SuiteCatalog,
  ) {}

  async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.runs.get(runId);
    if (!run) throw new AssayError(ErrorCode.RunNotFound, `no run ${runId}`);
    return run;
  }

  private async requireOpenRun(runId: string): Promise<RunRecord> {
    const run = await this.requireRun(runId);
    if (run.status !== 'open') throw new AssayError(ErrorCode.RunClosed, `run ${runId} is ${run.status}; open a new run`);
    return run;
  }

  private checkAssets(run: RunRecord, assets: AssetSubmission[]): void {
    const suite = this.suites.get(run.suite);
    const disabled: FieldIssue[] = [];
    const mismatched: FieldIssue[] = [];
    const outside: FieldIssue[] = [];
    assets.forEach((a, i) => {
      if (!isModalityEnabled(a.modality)) disabled.push({ path: `assets.${i}.modality`, message: `modality ${a.modality} is not enabled yet` });
      else if (suite && suite.modality !== a.modality) mismatched.push({ path: `assets.${i}.modality`, message: `suite ${suite.name} scores ${suite.modality}, not ${a.modality}` });
      for (const field of ['uri', 'referenceUri'] as const) {
        const ref = a[field] ? parseS3Uri(a[field]!) : undefined;
        if (ref && !this.config.s3.allowedBuckets.includes(ref.bucket)) {
          outside.push({ path: `assets.${i}.${field}`, message: `bucket ${ref.bucket} is not in S3_ALLOWED_BUCKETS` });
        }
      }
    });
    if (disabled.length) throw new AssayError(ErrorCode.ModalityNotEnabled, `${disabled.length} asset(s) use a modality that is not enabled`, disabled);
    if (mismatched.length) throw new AssayError(ErrorCode.ValidationFailed, 'asset modality does not match the run suite', mismatched);
    if (outside.length) throw new AssayError(ErrorCode.UriNotAllowed, `${outside.length} URI(s) point outside the allowed buckets`, outside);
  }

  private payload(run: RunRecord, asset: AssetRecord, source: ObjectRef): ScoreAssetPayload {
    return {
      runId: run.id,
      assetId: asset.assetId,
      modality: asset.modality,
      suite: run.suite,
      modelVersion: run.modelVersion,
      source,
      reference: asset.referenceUri ? parseS3Uri(asset.referenceUri) : undefined,
      prompt: asset.prompt,
      attributes: asset.attributes,
      submittedAt: asset.submittedAt,
      requestId: asset.requestId,
    };
  }

  async submit(runId: string, body: unknown, requestId: string): Promise<SubmitAssetsResponse> {
    const count = Array.isArray((body as { assets?: unknown })?.assets) ? (body as { assets: unknown[] }).assets.length : 0;
    if (count > MAX_ASSETS_PER_REQUEST) throw new AssayError(ErrorCode.TooManyAssets, `at most ${MAX_ASSETS_PER_REQUEST} assets per request; got ${count}`);
    const { assets } = parseOrThrow(SubmitAssetsRequest, body);
    const run = await this.requireOpenRun(runId);
    this.checkAssets(run, assets);

    const now = new Date().toISOString();
    const seen = new Set<string>();
    const unique = assets.filter((a) => !seen.has(a.assetId) && seen.add(a.assetId));
    const existing = await this.runs.existing(runId, unique.map((a) => a.assetId));
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
      await this.queues.addBulk(
        queue,
        group.map((a) => ({ name: JobName.ScoreAsset, data: this.payload(run, a, parseS3Uri(a.uri!)!), opts: { jobId: a.jobId } })),
      );
    }
    const isNew = await this.runs.record(runId, fresh, assets.length - fresh.length);
    const accepted = new Set(fresh.filter((_, i) => isNew[i]).map((a) => a.assetId));
    const firstSeen = new Set<string>();
    const out: AcceptedAsset[] = assets.map((a) => {
      const duplicate = !accepted.has(a.assetId) || firstSeen.has(a.assetId);
      firstSeen.add(a.assetId);
      (duplicate ? this.metrics.duplicates : this.metrics.submitted).inc({ modality: a.modality });
      return { assetId: a.assetId, jobId: scoreJobId(runId, a.assetId), state: a.uri ? 'queued' : 'awaiting_content', duplicate };
    });
    const duplicates = out.filter((a) => a.duplicate).length;
    this.logger.info({ requestId, runId, accepted: out.length - duplicates, duplicates }, 'assets submitted');
    return { runId, accepted: out.length - duplicates, duplicates, assets: out };
  }

  async upload(runId: string, assetId: string, body: unknown, requestId: string): Promise<UploadResult> {
    if (!Buffer.isBuffer(body)) {
      throw new AssayError(ErrorCode.UnsupportedMediaType, 'send the raw bytes with Content-Type application/octet-stream (or image/*, video/*, audio/*, model/*)');
    }
    if (body.length === 0) throw new AssayError(ErrorCode.EmptyContent, 'the upload is empty (0 bytes)');
    const run = await this.requireOpenRun(runId);
    const asset = await this.runs.getAsset(runId, assetId);
    if (!asset) throw new AssayError(ErrorCode.AssetNotFound, `run ${runId} has no asset ${assetId}; declare it first with POST /v1/runs/${runId}/assets (no uri)`);
    const sha256 = sha256Hex(body);
    const ref = { bucket: this.config.s3.bucket, key: RunObjects.content(runId, sha256) };
    const result = { runId, assetId, jobId: asset.jobId, sha256, uri: toS3Uri(ref) };
    const state = await this.runs.uploadState(runId, asset);
    if (state.kind === 'uploaded' && state.sha256 === sha256) return { ...result, duplicate: true };
    if (state.kind !== 'awaiting') {
      const why = state.kind === 'has_uri' ? 'was submitted with a URI' : state.kind === 'uploaded' ? 'already has different content' : 'no longer awaits content';
      throw new AssayError(ErrorCode.AssetConflict, `asset ${assetId} ${why}`);
    }
    try {
      await this.store.put(ref, body);
    } catch (err) {
      this.logger.error({ err, requestId, runId, assetId }, 'content upload to object storage failed');
      throw new AssayError(ErrorCode.StorageUnavailable, 'object storage is unavailable; retry later');
    }
    await this.queues.add(SCORING_QUEUE_BY_MODALITY[asset.modality], JobName.ScoreAsset, this.payload(run, asset, ref), { jobId: asset.jobId });
    await this.runs.markUploaded(runId, assetId, sha256);
    this.metrics.uploadedBytes.inc(body.length);
    this.logger.info({ requestId, runId, assetId, jobId: asset.jobId, bytes: body.length }, 'content uploaded');
    return { ...result, duplicate: false };
  }
}
