import { Counter, type Registry } from 'prom-client';
import { ENABLED_MODALITIES, JOB_FAILURE_CODES } from '@assay/contracts';
import { zeroSeries } from '@assay/observability';

export function createAggregatorMetrics(registry: Registry) {
  const metrics = {
    completed: new Counter({
      name: 'assay_assets_completed_total',
      help: 'Assets scored, counted once per asset (redeliveries excluded).',
      labelNames: ['modality'],
      registers: [registry],
    }),
    failed: new Counter({
      name: 'assay_assets_failed_total',
      help: 'Assets that failed for good, counted once per asset, by reason code.',
      labelNames: ['modality', 'reason'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'assay_results_duplicate_total',
      help: 'Result records delivered again for an asset already counted (ignored).',
      registers: [registry],
    }),
    parts: new Counter({
      name: 'assay_result_parts_written_total',
      help: 'NDJSON result parts written to object storage.',
      registers: [registry],
    }),
    summaries: new Counter({
      name: 'assay_summaries_written_total',
      help: 'Run summaries written to object storage, by whether they were final.',
      labelNames: ['final'],
      registers: [registry],
    }),
    reconciled: new Counter({
      name: 'assay_assets_reconciled_total',
      help: 'Assets of closing runs whose job ended without a result and were recorded as failed by reconciliation.',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
  zeroSeries(metrics.completed, { modality: ENABLED_MODALITIES });
  zeroSeries(metrics.failed, { modality: ENABLED_MODALITIES, reason: JOB_FAILURE_CODES });
  zeroSeries(metrics.summaries, { final: ['true', 'false'] });
  zeroSeries(metrics.reconciled, { reason: JOB_FAILURE_CODES });
  return metrics;
}
export type AggregatorMetrics = ReturnType<typeof createAggregatorMetrics>;
