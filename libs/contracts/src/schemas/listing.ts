import { z } from 'zod';
import { ResultRecord } from './result.js';
import { RunStatus, RunView } from './run.js';

export const RUNS_PAGE_DEFAULT = 50;
export const RUNS_PAGE_MAX = 200;
export const RESULTS_PAGE_DEFAULT = 100;
export const RESULTS_PAGE_MAX = 1000;

/** `key:value`; the value may itself contain `:` (the first one separates). */
export const LABEL_FILTER_PATTERN = /^[^:]{1,64}:.{0,256}$/s;

const limit = (what: string, def: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(def).describe(`${what} per page, 1–${max} (default ${def})`);

/**
 * `GET /v1/runs` query. Values arrive as strings; `label` is repeatable (a single one is read as a list of
 * one). Unknown parameters are refused, so a misspelt filter never silently lists everything.
 */
export const ListRunsQuery = z
  .object({
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/, 'not a cursor this API issued')
      .describe('`nextCursor` of the previous page; opaque')
      .optional(),
    limit: limit('runs', RUNS_PAGE_DEFAULT, RUNS_PAGE_MAX),
    name: z.string().min(1).max(200).describe('exact run name').optional(),
    modelVersion: z.string().min(1).max(200).describe('exact model version').optional(),
    suite: z.string().min(1).max(100).describe('exact suite name').optional(),
    label: z
      .array(z.string().regex(LABEL_FILTER_PATTERN, 'must look like key:value'))
      .max(32)
      .describe('`key:value`; repeat for several labels (a run must carry all of them)')
      .optional(),
    status: RunStatus.describe('open, closing or closed').optional(),
    from: z.iso.datetime({ offset: true }).describe('created at or after this time (ISO 8601)').optional(),
    to: z.iso.datetime({ offset: true }).describe('created before this time (ISO 8601)').optional(),
  })
  .strict();
export type ListRunsQuery = z.infer<typeof ListRunsQuery>;

export const RunsPage = z.object({
  items: z.array(RunView).describe('runs, newest first'),
  nextCursor: z.string().nullable().describe('`cursor` of the next page; null when no older run matches'),
});
export type RunsPage = z.infer<typeof RunsPage>;

/** A record offset in the run's result stream, optionally `.` and the offset of the part that holds it. */
export const RESULTS_CURSOR_PATTERN = /^\d{1,15}(\.\d{1,15})?$/;

/** `GET /v1/runs/:runId/results` query. */
export const ListResultsQuery = z
  .object({
    cursor: z
      .string()
      .regex(RESULTS_CURSOR_PATTERN, 'must be a record offset (e.g. 0 or 200), as in `nextCursor`')
      .describe('`nextCursor` of the previous page, or a record offset such as `flushed` of an earlier page (default 0)')
      .optional(),
    limit: limit('records', RESULTS_PAGE_DEFAULT, RESULTS_PAGE_MAX),
    status: z.enum(['completed', 'failed']).describe('only records with this status').optional(),
    assetIdPrefix: z.string().min(1).max(256).describe('only assets whose id starts with this').optional(),
  })
  .strict();
export type ListResultsQuery = z.infer<typeof ListResultsQuery>;

export const ResultsPage = z.object({
  runId: z.string(),
  runStatus: RunStatus.describe("the run's status when the page was read"),
  items: z.array(ResultRecord).describe('result records (one per asset) in the order the aggregator received them'),
  nextCursor: z.string().nullable().describe('`cursor` of the next page; null when this page reached `flushed`'),
  flushed: z
    .number()
    .int()
    .min(0)
    .describe('records in result parts when the page was read; no page shows records past it (resume later with `cursor=<flushed>`)'),
  complete: z.boolean().describe('the run is closed and all its records are in parts: the stream will not grow'),
});
export type ResultsPage = z.infer<typeof ResultsPage>;
