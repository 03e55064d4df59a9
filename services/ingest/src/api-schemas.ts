import { z } from 'zod';
import { AssetRecord, AssetState, ERROR_CODES, MODALITIES, ResultRecord } from '@assay/contracts';
import { SuiteMetric, VideoOptions } from '@assay/suites';

/**
 * Shapes of the answers that are the API's own (not a contract other services share). The controllers are
 * typed with them and the OpenAPI document is generated from them, so the two cannot drift.
 */

export const ErrorEnvelope = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES as unknown as [string, ...string[]]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
  requestId: z.string(),
});

export const UploadResult = z.object({
  runId: z.string(),
  assetId: z.string(),
  jobId: z.string(),
  sha256: z.string(),
  uri: z.string(),
  duplicate: z.boolean(),
});
export type UploadResult = z.infer<typeof UploadResult>;

export const AssetView = z.object({
  runId: z.string(),
  asset: AssetRecord,
  state: AssetState,
  /** where the scored bytes are: the upload's content object or the submitted URI */
  contentUri: z.string().optional(),
  /** the scoring job while the asset has no result */
  job: z.object({ state: z.string(), attemptsMade: z.number().int(), failedReason: z.string().optional() }).optional(),
  /** the latest result once the asset is finished */
  result: ResultRecord.optional(),
});
export type AssetView = z.infer<typeof AssetView>;

export const Suite = z.object({
  name: z.string(),
  description: z.string(),
  modality: z.enum(MODALITIES),
  video: VideoOptions.optional(),
  metrics: z.array(SuiteMetric),
  /** where the suite was loaded from */
  source: z.string(),
});
export type Suite = z.infer<typeof Suite>;

export const ModelsReport = z.object({
  models: z.array(
    z.object({
      id: z.string(),
      version: z.string(),
      task: z.string(),
      sha256: z.string(),
      license: z.string(),
      manifest: z.string(),
      /** execution provider → workers running the model on it */
      providers: z.record(z.string(), z.number().int()),
      /** workers on which the model fell back from the provider asked for */
      fellBack: z.number().int(),
      workers: z.number().int(),
    }),
  ),
  refused: z.array(z.object({ id: z.string(), reason: z.string(), workers: z.number().int() })),
  workers: z.array(z.object({ instance: z.string(), updatedAt: z.string(), models: z.array(z.string()) })),
});
export type ModelsReport = z.infer<typeof ModelsReport>;

export const QueueDepth = z.object({ queue: z.string(), counts: z.record(z.string(), z.number().int()) });
export type QueueDepth = z.infer<typeof QueueDepth>;

export const FailedJobs = z.object({
  queue: z.string(),
  total: z.number().int(),
  jobs: z.array(
    z.object({
      jobId: z.string().optional(),
      name: z.string(),
      runId: z.string().optional(),
      assetId: z.string().optional(),
      /** the failure's reason code (docs/errors.md) */
      reason: z.string().optional(),
      failedReason: z.string().optional(),
      attemptsMade: z.number().int(),
      finishedOn: z.string().optional(),
    }),
  ),
});
export type FailedJobs = z.infer<typeof FailedJobs>;

export const Health = z.object({ status: z.literal('ok') });

export const Readiness = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});
