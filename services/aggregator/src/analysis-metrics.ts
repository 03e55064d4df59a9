import { Counter, Gauge, type Registry } from 'prom-client';
import type { ComparisonResult, RollingFrechet, Verdict } from '@assay/contracts';
import { zeroSeries } from '@assay/observability';

/** `assay_gate_verdict`'s value: a verdict as a number Grafana can colour and alert on. */
export const VERDICT_VALUE: Record<Verdict, number> = { GO: 1, NO_GO: 0, INCONCLUSIVE: -1 };

/**
 * Verdict series kept at once: one per (policy, baseline, candidate model version) most recently judged.
 * Model versions are unbounded over time, so the oldest series are dropped (the verdict stays in S3).
 */
export const VERDICT_SERIES_MAX = 50;

/** Rolling Fréchet series kept at once (model version × reference set × feature extractor), newest kept. */
export const FRECHET_SERIES_MAX = 100;

const GATE_LABELS = ['policy', 'baseline_model_version', 'candidate_model_version'] as const;
const FRECHET_LABELS = ['model_version', 'reference_set', 'embedding_model'] as const;
type FrechetLabels = Record<(typeof FRECHET_LABELS)[number], string>;
type GateLabels = Record<(typeof GATE_LABELS)[number], string>;

export function createAnalysisMetrics(registry: Registry) {
  const comparisons = new Counter({
    name: 'assay_comparisons_total',
    help: 'Comparisons computed, by verdict (GO, NO_GO, INCONCLUSIVE) or failed.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const runMetrics = new Counter({
    name: 'assay_run_metrics_total',
    help: 'Post-close run-level metric computations, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'assay_verdict_deliveries_total',
    help: 'Verdict webhook deliveries, by outcome (delivered, retried, failed).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const verdict = new Gauge({
    name: 'assay_gate_verdict',
    help: 'Latest launch-gate verdict per policy and model-version pair: 1 GO, 0 NO_GO, -1 INCONCLUSIVE.',
    labelNames: [...GATE_LABELS],
    registers: [registry],
  });
  const verdictTime = new Gauge({
    name: 'assay_gate_verdict_timestamp_seconds',
    help: 'When the latest launch-gate verdict per policy and model-version pair was computed (unix seconds).',
    labelNames: [...GATE_LABELS],
    registers: [registry],
  });
  const frechet = new Gauge({
    name: 'assay_distribution_frechet',
    help:
      'Fréchet distance of a model version’s rolling embedding statistics (every closed run folded in) to a reference set, per ' +
      'feature extractor (FD_<extractor>; comparable only within one).',
    labelNames: [...FRECHET_LABELS],
    registers: [registry],
  });
  zeroSeries(comparisons, { outcome: ['GO', 'NO_GO', 'INCONCLUSIVE', 'failed'] });
  zeroSeries(runMetrics, { outcome: ['done', 'failed'] });
  zeroSeries(deliveries, { outcome: ['delivered', 'retried', 'failed'] });

  /** label sets in the order they were last set: the first is dropped when there are too many */
  const series = new Map<string, GateLabels>();
  const frechetSeries = new Map<string, FrechetLabels>();
  return {
    comparisons,
    runMetrics,
    deliveries,
    observeVerdict(result: ComparisonResult): void {
      const labels: GateLabels = {
        policy: result.verdict.policy.name,
        baseline_model_version: result.baseline.modelVersion,
        candidate_model_version: result.candidate.modelVersion,
      };
      const key = JSON.stringify(labels);
      series.delete(key);
      series.set(key, labels);
      verdict.set(labels, VERDICT_VALUE[result.verdict.outcome]);
      verdictTime.set(labels, Date.parse(result.finishedAt) / 1000);
      for (const [oldest, old] of series) {
        if (series.size <= VERDICT_SERIES_MAX) break;
        verdict.remove(old);
        verdictTime.remove(old);
        series.delete(oldest);
      }
      comparisons.inc({ outcome: result.verdict.outcome });
    },
    observeFrechet(r: RollingFrechet): void {
      const labels: FrechetLabels = { model_version: r.modelVersion, reference_set: r.referenceSet, embedding_model: r.embeddingModel };
      const key = JSON.stringify(labels);
      frechetSeries.delete(key);
      frechetSeries.set(key, labels);
      frechet.set(labels, r.value);
      for (const [oldest, old] of frechetSeries) {
        if (frechetSeries.size <= FRECHET_SERIES_MAX) break;
        frechet.remove(old);
        frechetSeries.delete(oldest);
      }
    },
  };
}
export type AnalysisMetrics = ReturnType<typeof createAnalysisMetrics>;
