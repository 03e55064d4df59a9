import { Counter, Histogram, type Registry } from 'prom-client';
import { JOB_FAILURE_CODES, type Modality } from '@assay/contracts';
import { DURATION_BUCKETS_SECONDS, zeroSeries } from '@assay/observability';

export type Stage = 'fetch' | 'decode' | 'metrics' | 'publish';

/** `modalities` and `metricNames` are what this worker serves: their counters start at 0. */
export function createWorkerMetrics(registry: Registry, modalities: readonly Modality[], metricNames: readonly string[]) {
  const metrics = {
    stageSeconds: new Histogram({
      name: 'assay_worker_stage_duration_seconds',
      help: 'Time per scoring stage (fetch, decode, metrics, publish) by modality.',
      labelNames: ['modality', 'stage'],
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    }),
    metricSeconds: new Histogram({
      name: 'assay_metric_duration_seconds',
      help: 'Time to compute one metric on one asset.',
      labelNames: ['metric'],
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    }),
    failures: new Counter({
      name: 'assay_worker_failures_total',
      help: 'Scoring attempts that failed, by modality, reason code and whether the failure is final.',
      labelNames: ['modality', 'reason', 'final'],
      registers: [registry],
    }),
    metricOutcomes: new Counter({
      name: 'assay_metric_outcomes_total',
      help: 'Per-metric outcomes (ok, not_applicable, error).',
      labelNames: ['metric', 'status'],
      registers: [registry],
    }),
  };
  zeroSeries(metrics.failures, { modality: modalities, reason: JOB_FAILURE_CODES, final: ['true', 'false'] });
  zeroSeries(metrics.metricOutcomes, { metric: metricNames, status: ['ok', 'not_applicable', 'error'] });
  return metrics;
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
