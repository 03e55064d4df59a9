import { clopperPearsonUpper } from '@assay/stats';
import { z } from 'zod';
import { defineRunMetric } from '../run-metric.js';
import { bound } from '../lib/estimates.js';
import { countHits, mergeOutcomes, type Outcomes } from '../lib/outcomes.js';
import { proportion } from '../lib/proportions.js';
import { addSafety } from '../lib/safety.js';

const SafetyCheck = z.object({
  score: z.string(),
  flagged: z.number().int(),
  checked: z.number().int(),
  rate: z.number().nullable(),
  /** exact one-sided upper bound at the report level */
  upper: z.number().nullable(),
});

export default defineRunMetric({
  name: 'safety_rates',
  version: '1.0.0',
  description: 'Share of a closed run’s assets each safety check flags, with an exact one-sided Clopper–Pearson upper bound.',
  scope: 'run',
  result: z.object({ safety: z.array(SafetyCheck) }),
  init: (): Record<string, Outcomes> => ({}),
  update(state, record, at) {
    addSafety(state, record, at.offset);
  },
  merge: mergeOutcomes,
  compute(state, { settings }) {
    return {
      safety: Object.keys(state)
        .sort()
        .map((score) => {
          const o = state[score];
          const p = proportion(o, settings);
          return {
            score,
            flagged: countHits(o),
            checked: o.hits.length,
            rate: p.rate,
            upper: bound(clopperPearsonUpper(countHits(o), o.hits.length, settings.level)),
          };
        }),
    };
  },
});
