import { Estimate } from '@assay/contracts';
import { quantile, quantileInterval } from '@assay/stats';
import { z } from 'zod';
import { defineRunMetric } from '../run-metric.js';
import { append, estimate, sortedCopy } from '../lib/estimates.js';
import { LATENCY_QUANTILES, latencies } from '../lib/latency.js';

const Source = z.object({
  source: z.enum(['generation', 'scoring']),
  n: z.number().int(),
  quantiles: z.array(z.object({ q: z.number(), value: Estimate })),
});

export default defineRunMetric({
  name: 'latency_quantiles',
  version: '1.0.0',
  description:
    'Generation latency reported by the caller (attributes.generationLatencyMs) and Assay’s scoring latency (timings.totalMs) of a ' +
    'closed run: p50, p95 and p99 with distribution-free order-statistic intervals.',
  scope: 'run',
  result: z.object({ latency: z.array(Source) }),
  init: () => ({ generation: [] as number[], scoring: [] as number[] }),
  update(state, record) {
    const l = latencies(record);
    if (l.generation !== undefined) state.generation.push(l.generation);
    if (l.scoring !== undefined) state.scoring.push(l.scoring);
  },
  merge(into, later) {
    append(into.generation, later.generation);
    append(into.scoring, later.scoring);
  },
  compute(state, { settings }) {
    return {
      latency: (['generation', 'scoring'] as const)
        .filter((source) => state[source].length)
        .map((source) => {
          const sorted = sortedCopy(state[source]);
          return {
            source,
            n: sorted.length,
            quantiles: LATENCY_QUANTILES.map((q) => ({
              q,
              value: estimate(quantile(sorted, q), 'order_statistic', (alpha) => quantileInterval(sorted, q, alpha), settings),
            })),
          };
        }),
    };
  },
});
