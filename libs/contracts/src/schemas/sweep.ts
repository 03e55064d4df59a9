import { z } from 'zod';
import { SetDistances } from './distribution.js';
import { AssetSubmission } from './asset.js';
import { FailureReason } from './common.js';
import { Verdict } from './comparison.js';
import { RunCounts } from './run.js';

export const SweepName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -');

/** A calendar date, `YYYY-MM-DD`: the date a sweep run reads its manifest for. */
export const SweepDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');

/** One line of a sweep's manifest: an asset submission (as `POST /v1/runs/:id/assets` takes it) and its model version. */
export const SweepManifestLine = AssetSubmission.extend({ modelVersion: z.string().min(1).max(200) }).strict();
export type SweepManifestLine = z.infer<typeof SweepManifestLine>;

/** Payload of a `sweep-tick` job, added by the sweep's job scheduler. */
export const SweepTickPayload = z.object({ sweep: SweepName });
export type SweepTickPayload = z.infer<typeof SweepTickPayload>;

/** Payload of an `advance-sweep` job: one attempt at one sweep's date. */
export const AdvanceSweepPayload = z.object({ sweep: SweepName, date: SweepDate, attempt: z.number().int().min(1) });
export type AdvanceSweepPayload = z.infer<typeof AdvanceSweepPayload>;

/**
 * Where a sweep run is: `submitting` its manifest into its run, `scoring` until every asset has a result or
 * the deadline passes, `closing` the run, `comparing` it with the baseline, then `done` (verdict published)
 * or `failed` (with a code).
 */
export const SweepRunState = z.enum(['submitting', 'scoring', 'closing', 'comparing', 'done', 'failed']);
export type SweepRunState = z.infer<typeof SweepRunState>;

/** One sweep run (a sweep's date, one attempt), kept in Redis and advanced step by step. */
export const SweepRunRecord = z.object({
  sweep: SweepName,
  date: SweepDate,
  attempt: z.number().int().min(1),
  trigger: z.enum(['schedule', 'manual']),
  state: SweepRunState,
  createdAt: z.string(),
  /** after this time the run is closed and assets without a result count as failed (`sweep_deadline_exceeded`) */
  deadline: z.string(),
  manifestUri: z.string(),
  /** chosen before the run exists, so a step repeated after a crash finds it instead of making a second one */
  runId: z.string(),
  comparisonId: z.string(),
  modelVersion: z.string().optional(),
  /** manifest lines submitted so far (a resumed step carries on from here) */
  submitted: z.number().int().optional(),
  lines: z.number().int().optional(),
  /** assets failed with `sweep_deadline_exceeded` */
  timedOut: z.number().int().optional(),
  counts: RunCounts.optional(),
  /** the run compared against; absent when there is none yet (the first sweep run of a `previous` baseline) */
  baselineRunId: z.string().optional(),
  verdict: Verdict.optional(),
  finishedAt: z.string().optional(),
  error: FailureReason.optional(),
});
export type SweepRunRecord = z.infer<typeof SweepRunRecord>;

/** `sweeps/<name>/<date>/verdict.json`: what a sweep run ended with. */
export const SweepOutcome = z.object({
  schemaVersion: z.literal(1),
  sweep: z.string(),
  date: z.string(),
  attempt: z.number().int(),
  state: z.enum(['done', 'failed']),
  /** null when the run was not compared (no baseline yet) or the sweep failed */
  verdict: Verdict.nullable(),
  policy: z.string(),
  modelVersion: z.string().optional(),
  runId: z.string(),
  counts: RunCounts.optional(),
  timedOut: z.number().int(),
  baselineRunId: z.string().nullable(),
  comparisonId: z.string().nullable(),
  resultUri: z.string().nullable(),
  reportUri: z.string().nullable(),
  /** the comparison's distribution section: the night's embeddings against the baseline's, per feature extractor */
  distribution: z.array(SetDistances).default([]),
  error: FailureReason.nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
});
export type SweepOutcome = z.infer<typeof SweepOutcome>;

/** `POST /v1/sweeps/:name/trigger`: run a sweep now, for today (in its time zone) or a given date. */
export const TriggerSweepRequest = z.object({ date: SweepDate.optional() }).strict();
export type TriggerSweepRequest = z.infer<typeof TriggerSweepRequest>;
