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
  s3KeyProblem,
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
import { storeContentOnce } from './content-writer.js';
import { CONFIG, INGEST_METRICS, LOGGER, OBJECT_STORE, QUEUES, RUN_STORE, SUITES } from '../tokens.js';
import type { UploadResult } from '../api-schemas.js';

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
    if (!this.config.s3.allowedBuckets.includes(ref.bucket)) return `bucket ${ref.bucket} is not in S3_ALLOWED_BUCKETS`;
    const keyProblem = s3KeyProblem(ref.key);
    if (keyProblem) return keyProblem;
    if (ref.bucket === this.config.s3.bucket && ref.key.startsWith(RunObjects.root) && !ref.key.startsWith(RunObjects.prefix(run.id))) {
      return `${RunObjects.root}… of bucket ${ref.bucket} holds Assay's runs; a run may only refer to its own objects (${RunObjects.prefix(run.id)}…)`;
    }
    return undefined;
  }

  private payload(run: RunRecord, asset: AssetRecord, source: ObjectRef, sourceSha256?: string): ScoreAssetPayload {
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

  async submit(runId: string, body: unknown, requestId: string): Promise<SubmitAssetsResponse> {
    const count = Array.isArray((body as { assets?: unknown })?.assets) ? (body as { assets: unknown[] }).assets.length : 0;
    if (count > MAX_ASSETS_PER_REQUEST)
      throw new AssayError(ErrorCode.TooManyAssets, `at most ${MAX_ASSETS_PER_REQUEST} assets per request; got ${count}`);
    const { assets } = parseOrThrow(SubmitAssetsRequest, body);
    const run = await this.requireOpenRun(runId);
    this.checkAssets(run, assets);

    const now = new Date().toISOString();
    const seen = new Set<string>();
    const unique = assets.filter((a) => !seen.has(a.assetId) && seen.add(a.assetId));
    const existing = await this.runs.existing(
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
      throw new AssayError(
        ErrorCode.UnsupportedMediaType,
        'send the raw bytes with Content-Type application/octet-stream (or image/*, video/*, audio/*, model/*)',
      );
    }
    if (body.length === 0) throw new AssayError(ErrorCode.EmptyContent, 'the upload is empty (0 bytes)');
    const run = await this.requireOpenRun(runId);
    const asset = await this.runs.getAsset(runId, assetId);
    if (!asset)
      throw new AssayError(
        ErrorCode.AssetNotFound,
        `run ${runId} has no asset ${assetId}; declare it first with POST /v1/runs/${runId}/assets (no uri)`,
      );
    if (asset.uri) throw new AssayError(ErrorCode.AssetConflict, `asset ${assetId} was submitted with a URI`);
    const sha256 = sha256Hex(body);
    const ref = { bucket: this.config.s3.bucket, key: RunObjects.content(runId, sha256) };
    const result = { runId, assetId, jobId: asset.jobId, sha256, uri: toS3Uri(ref) };
    // The first upload binds its bytes to the asset (atomically: of concurrent uploads of different bytes
    // exactly one gets here); repeats of the same bytes redo the idempotent rest, which completes an upload
    // that was interrupted after binding.
    const binding = await this.runs.bindContent(runId, assetId, sha256);
    if (binding.kind === 'conflict')
      throw new AssayError(ErrorCode.AssetConflict, `asset ${assetId} already has different content (sha256 ${binding.sha256})`);
    if (binding.kind === 'not_awaiting') throw new AssayError(ErrorCode.AssetConflict, `asset ${assetId} no longer awaits content`);
    if (binding.kind === 'same' && binding.uploaded) return { ...result, duplicate: true };
    let written: boolean;
    try {
      written = await storeContentOnce(this.store, this.runs, { runId, sha256, ref, body });
    } catch (err) {
      if (err instanceof AssayError && err.code === ErrorCode.StorageUnavailable)
        this.logger.error({ err, requestId, runId, assetId }, 'content upload to object storage failed');
      throw err;
    }
    await this.queues.add(SCORING_QUEUE_BY_MODALITY[asset.modality], JobName.ScoreAsset, this.payload(run, asset, ref, sha256), {
      jobId: asset.jobId,
    });
    await this.runs.markUploaded(runId, assetId);
    if (written) this.metrics.uploadedBytes.inc(body.length);
    this.logger.info({ requestId, runId, assetId, jobId: asset.jobId, bytes: body.length, written }, 'content uploaded');
    return { ...result, duplicate: binding.kind === 'same' };
  }
}
