import { z } from 'zod';
import { Labels } from './common.js';

export const CreateRunRequest = z
  .object({
    name: z.string().min(1).max(200),
    modelVersion: z.string().min(1).max(200).default('unknown'),
    labels: Labels.default({}),
    suite: z.string().min(1).max(100).default('image-default'),
  })
  .strict();
export type CreateRunRequest = z.infer<typeof CreateRunRequest>;

export const RunStatus = z.enum(['open', 'closing', 'closed']);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunRecord = z.object({
  id: z.string(),
  name: z.string(),
  modelVersion: z.string(),
  labels: z.record(z.string(), z.string()),
  suite: z.string(),
  createdAt: z.string(),
  status: RunStatus,
  closedAt: z.string().optional(),
});
export type RunRecord = z.infer<typeof RunRecord>;

export const RunCounts = z.object({
  /** assets accepted (queued or awaiting content), duplicates excluded */
  submitted: z.number().int(),
  awaitingContent: z.number().int(),
  /** queued and not yet finished */
  pending: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  /** resubmissions of an asset id the run already had */
  duplicates: z.number().int(),
});
export type RunCounts = z.infer<typeof RunCounts>;

export const RunView = RunRecord.extend({ counts: RunCounts, summaryUri: z.string() });
export type RunView = z.infer<typeof RunView>;
