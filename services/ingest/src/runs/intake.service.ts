import { Inject, Injectable } from '@nestjs/common';
import {
  AssayError,
  ErrorCode,
  JobName,
  MAX_ASSETS_PER_REQUEST,
  parseOrThrow,
  RunObjects,
  SCORING_QUEUE_BY_MODALITY,
  sha256Hex,
  SubmitAssetsRequest,
  toS3Uri,
  type RunRecord,
  type SubmitAssetsResponse,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { scorePayload, type RunIntake } from '@assay/intake';
import type { Logger } from '@assay/observability';
import type { QueueSet } from '@assay/queue';
import type { RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import type { IngestMetrics } from '../ingest-metrics.js';
import { storeContentOnce } from './content-writer.js';
import { CONFIG, INGEST_METRICS, LOGGER, OBJECT_STORE, QUEUES, RUN_INTAKE, RUN_STORE } from '../tokens.js';
import type { UploadResult } from '../api-schemas.js';

/**
 * Accepting assets over HTTP: request limits and counting here; validation, idempotency by (run, asset id)
 * and queueing in the shared `RunIntake` (the sweep runner submits through it too).
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
    @Inject(RUN_INTAKE) private readonly intake: RunIntake,
  ) {}

  requireRun(runId: string): Promise<RunRecord> {
    return this.intake.requireRun(runId);
  }

  async submit(runId: string, body: unknown, requestId: string): Promise<SubmitAssetsResponse> {
    const count = Array.isArray((body as { assets?: unknown })?.assets) ? (body as { assets: unknown[] }).assets.length : 0;
    if (count > MAX_ASSETS_PER_REQUEST)
      throw new AssayError(ErrorCode.TooManyAssets, `at most ${MAX_ASSETS_PER_REQUEST} assets per request; got ${count}`);
    const { assets } = parseOrThrow(SubmitAssetsRequest, body);
    const response = await this.intake.submit(runId, assets, requestId);
    response.assets.forEach((a, i) =>
      (a.duplicate ? this.metrics.duplicates : this.metrics.submitted).inc({ modality: assets[i].modality }),
    );
    return response;
  }

  async upload(runId: string, assetId: string, body: unknown, requestId: string): Promise<UploadResult> {
    if (!Buffer.isBuffer(body)) {
      throw new AssayError(
        ErrorCode.UnsupportedMediaType,
        'send the raw bytes with Content-Type application/octet-stream (or image/*, video/*, audio/*, model/*, application/zip)',
      );
    }
    if (body.length === 0) throw new AssayError(ErrorCode.EmptyContent, 'the upload is empty (0 bytes)');
    const run = await this.intake.requireOpenRun(runId);
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
    await this.queues.add(SCORING_QUEUE_BY_MODALITY[asset.modality], JobName.ScoreAsset, scorePayload(run, asset, ref, sha256), {
      jobId: asset.jobId,
    });
    await this.runs.markUploaded(runId, assetId);
    if (written) this.metrics.uploadedBytes.inc(body.length);
    this.logger.info({ requestId, runId, assetId, jobId: asset.jobId, bytes: body.length, written }, 'content uploaded');
    return { ...result, duplicate: binding.kind === 'same' };
  }
}
