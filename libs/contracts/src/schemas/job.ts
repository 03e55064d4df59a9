import { z } from 'zod';
import { MODALITIES } from '../modalities.js';
import { Attributes, ObjectRef } from './common.js';

/** Payload of a `score-asset` job on a modality queue. Validated by the worker before any work. */
export const ScoreAssetPayload = z.object({
  runId: z.string(),
  assetId: z.string(),
  modality: z.enum(MODALITIES),
  suite: z.string(),
  modelVersion: z.string(),
  /** the run's name and labels, carried into the result record */
  runName: z.string().optional(),
  runLabels: z.record(z.string(), z.string()).optional(),
  source: ObjectRef,
  /** sha256 of uploaded content (its key is content-addressed): the worker checks the bytes it fetched against it */
  sourceSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  reference: ObjectRef.optional(),
  prompt: z.string().optional(),
  attributes: Attributes,
  submittedAt: z.string(),
  requestId: z.string().optional(),
});
export type ScoreAssetPayload = z.infer<typeof ScoreAssetPayload>;

/** Payload of a `close-run` job on the aggregate queue. */
export const CloseRunPayload = z.object({ runId: z.string(), requestedAt: z.string(), requestId: z.string().optional() });
export type CloseRunPayload = z.infer<typeof CloseRunPayload>;

/** Payload of a `compute-run-metrics` job on the analysis queue, queued when a run closes. */
export const ComputeRunMetricsPayload = z.object({ runId: z.string(), closedAt: z.string() });
export type ComputeRunMetricsPayload = z.infer<typeof ComputeRunMetricsPayload>;

/** Payload of a `compare-runs` job on the analysis queue; the comparison's request is stored under its id. */
export const CompareRunsPayload = z.object({ comparisonId: z.string(), requestId: z.string().optional() });
export type CompareRunsPayload = z.infer<typeof CompareRunsPayload>;

export const ImportEventsPayload = z.object({ experimentId: z.string(), importId: z.string(), requestId: z.string().optional() });
export type ImportEventsPayload = z.infer<typeof ImportEventsPayload>;
