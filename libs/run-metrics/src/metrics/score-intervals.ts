import { Estimate } from '@assay/contracts';
import { bootstrapMeans, pairedTTest, quantile, quantileInterval } from '@assay/stats';
import { z } from 'zod';
import { defineRunMetric } from '../run-metric.js';
import { estimate, mean, sd, sortedCopy } from '../lib/estimates.js';
import { addScores, mergeScores, type ScoreValues } from '../lib/score-values.js';

const ScoreInterval = z.object({
  score: z.string(),
  n: z.number().int(),
  std: z.number(),
  mean: Estimate,
  median: Estimate,
  /** exact quantiles of the values (the summary's come from a sketch with 1 % relative accuracy) */
  p5: z.number(),
  p95: z.number(),
});

/**
 * Every score of a closed run: the mean with its interval (BCa bootstrap over the run's assets, normal
 * theory above bootstrapMaxN) and the median with a distribution-free order-statistic interval.
 */
export default defineRunMetric({
  name: 'score_intervals',
  version: '1.0.0',
  description:
    'Per score of a closed run: the mean with a BCa bootstrap interval (t interval above bootstrapMaxN values), the median with an ' +
    'order-statistic interval, and exact p5 and p95.',
  scope: 'run',
  result: z.object({ scores: z.array(ScoreInterval) }),
  init: (): ScoreValues => ({}),
  update(state, record, at) {
    addScores(state, record, at.offset);
  },
  merge: mergeScores,
  compute(state, { settings }) {
    const names = Object.keys(state)
      .filter((s) => state[s].values.length >= 2)
      .sort();
    const columns = names.map((s) => Float64Array.from(state[s].values));
    const boot = (alpha: number) =>
      bootstrapMeans(columns, { resamples: settings.resamples, seed: settings.seed, alpha, method: 'bca' }).map((r) => r.ci);
    // each score is its own column here: scores are resampled separately, every one over its own values
    const useBootstrap = columns.every((c) => c.length <= settings.bootstrapMaxN);
    const [report, gate] = useBootstrap ? [boot(1 - settings.level), boot(1 - settings.gateLevel)] : [[], []];
    return {
      scores: names.map((score, i) => {
        const values = columns[i];
        const sorted = sortedCopy(values);
        const meanEstimate = useBootstrap
          ? { value: mean(values), ci: report[i] ?? [null, null], method: 'bca_bootstrap' as const, gateCi: gate[i] ?? [null, null] }
          : estimate(mean(values), 'paired_t', (alpha) => pairedTTest(values, alpha).ci, settings);
        return {
          score,
          n: values.length,
          std: sd(values),
          mean: meanEstimate,
          median: estimate(quantile(sorted, 0.5), 'order_statistic', (alpha) => quantileInterval(sorted, 0.5, alpha), settings),
          p5: quantile(sorted, 0.05),
          p95: quantile(sorted, 0.95),
        };
      }),
    };
  },
});
