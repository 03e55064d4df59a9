import { z } from 'zod';
import { FailureReason } from './common.js';

/** One run-level metric's result, as computed after the run closed. */
export const RunMetricResult = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  /** its own shape, described by the metric (docs/metrics.md, run-level metrics) */
  result: z.record(z.string(), z.unknown()),
});
export type RunMetricResult = z.infer<typeof RunMetricResult>;

/** The run-level metrics of a closed run: `runs/<id>/run-metrics.json`, and `GET /v1/runs/:runId/run-metrics`. */
export const RunMetricsReport = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  computedAt: z.string(),
  assayVersion: z.string(),
  /** result records read */
  records: z.number().int(),
  metrics: z.array(RunMetricResult),
});
export type RunMetricsReport = z.infer<typeof RunMetricsReport>;

export const RunMetricsStatus = z.enum(['pending', 'running', 'done', 'failed']);
export type RunMetricsStatus = z.infer<typeof RunMetricsStatus>;

/** `GET /v1/runs/:runId/run-metrics`: the state of the post-close computation, then its report. */
export const RunMetricsView = z.object({
  runId: z.string(),
  status: RunMetricsStatus,
  error: FailureReason.optional(),
  report: RunMetricsReport.optional(),
});
export type RunMetricsView = z.infer<typeof RunMetricsView>;
