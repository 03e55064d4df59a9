import { LatencyComparison, type ComparisonSettings } from '@assay/contracts';
import { bootstrapQuantileRatio, quantile, quantileInterval } from '@assay/stats';
import { z } from 'zod';
import { defineRunMetric } from '../run-metric.js';
import { append, estimate, sortedCopy } from '../lib/estimates.js';
import { LATENCY_QUANTILES, latencies } from '../lib/latency.js';

type Source = LatencyComparison['source'];
type SideState = Record<Source, number[]>;
interface State {
  baseline: SideState;
  candidate: SideState;
}

function quantiles(b: Float64Array, c: Float64Array, settings: ComparisonSettings) {
  return LATENCY_QUANTILES.map((q) => ({
    q,
    baseline: estimate(quantile(b, q), 'order_statistic', (alpha) => quantileInterval(b, q, alpha), settings),
    candidate: estimate(quantile(c, q), 'order_statistic', (alpha) => quantileInterval(c, q, alpha), settings),
    ratio: estimate(
      quantile(c, q) / quantile(b, q),
      'quantile_bootstrap',
      (alpha) => bootstrapQuantileRatio(b, c, q, { resamples: settings.resamples, seed: settings.seed, alpha }).ci,
      settings,
    ),
  }));
}

export default defineRunMetric({
  name: 'latency_deltas',
  version: '1.0.0',
  description:
    'Generation latency reported by the caller (attributes.generationLatencyMs) and Assay’s scoring latency (timings.totalMs): ' +
    'p50, p95 and p99 of each side with distribution-free order-statistic intervals, and candidate / baseline with a bootstrap interval.',
  scope: 'comparison',
  result: z.object({ latency: z.array(LatencyComparison) }),
  init: (): State => ({ baseline: { generation: [], scoring: [] }, candidate: { generation: [], scoring: [] } }),
  update(state, record, at) {
    if (at.side === 'run') return;
    const l = latencies(record);
    if (l.generation !== undefined) state[at.side].generation.push(l.generation);
    if (l.scoring !== undefined) state[at.side].scoring.push(l.scoring);
  },
  merge(into, later) {
    for (const side of ['baseline', 'candidate'] as const)
      for (const source of ['generation', 'scoring'] as const) append(into[side][source], later[side][source]);
  },
  compute(state, { settings }) {
    const latency: LatencyComparison[] = [];
    for (const source of ['generation', 'scoring'] as const) {
      const [b, c] = [sortedCopy(state.baseline[source]), sortedCopy(state.candidate[source])];
      if (!b.length || !c.length) continue;
      latency.push({ source, n: { baseline: b.length, candidate: c.length }, quantiles: quantiles(b, c, settings) });
    }
    return { latency };
  },
});
