import { z } from 'zod';
import { SweepRunRecord, Verdict } from '@assay/contracts';
import { SweepFile } from './schema.js';

/** `GET /v1/sweeps`: a sweep as configured, when it runs next, its latest run and its last success. */
export const SweepView = SweepFile.extend({
  /** the file it was read from */
  source: z.string(),
  /** the next time its schedule fires (ISO 8601) */
  nextRunAt: z.string(),
  lastRun: SweepRunRecord.nullable(),
  lastSuccess: z.object({ date: z.string(), runId: z.string(), verdict: Verdict.optional(), finishedAt: z.string() }).nullable(),
});
export type SweepView = z.infer<typeof SweepView>;

/** `GET /v1/sweeps/:name`: the sweep and its recent runs, newest date first. */
export const SweepDetail = SweepView.extend({ runs: z.array(SweepRunRecord) });
export type SweepDetail = z.infer<typeof SweepDetail>;
