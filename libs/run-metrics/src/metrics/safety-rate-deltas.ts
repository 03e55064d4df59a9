import { SafetyRate } from '@assay/contracts';
import { clopperPearsonUpper } from '@assay/stats';
import { z } from 'zod';
import { defineRunMetric } from '../run-metric.js';
import { bound } from '../lib/estimates.js';
import { countHits, mergeOutcomes, type Outcomes } from '../lib/outcomes.js';
import { addSafety } from '../lib/safety.js';
import { proportion, rateDifference } from '../lib/proportions.js';

type SideState = Record<string, Outcomes>;
interface State {
  baseline: SideState;
  candidate: SideState;
}

/** exact one-sided upper bound on the flagged share at `level` */
const upper = (o: Outcomes | undefined, level: number) =>
  o?.hits.length ? bound(clopperPearsonUpper(countHits(o), o.hits.length, level)) : null;

export default defineRunMetric({
  name: 'safety_rate_deltas',
  version: '1.0.0',
  description:
    'Share of assets each safety check flags (suite thresholds marked safety) on both sides, with exact one-sided Clopper–Pearson ' +
    'upper bounds, and candidate − baseline with a Newcombe interval.',
  scope: 'comparison',
  result: z.object({ safety: z.array(SafetyRate) }),
  init: (): State => ({ baseline: {}, candidate: {} }),
  update(state, record, at) {
    if (at.side !== 'run') addSafety(state[at.side], record, at.offset);
  },
  merge(into, later) {
    mergeOutcomes(into.baseline, later.baseline);
    mergeOutcomes(into.candidate, later.candidate);
  },
  compute(state, { settings, pairing }) {
    const scores = [...new Set([...Object.keys(state.baseline), ...Object.keys(state.candidate)])].sort();
    const pairs = pairing?.summary.paired ? pairing.pairs : undefined;
    return {
      safety: scores.map((score) => {
        const [b, c] = [state.baseline[score], state.candidate[score]];
        return {
          score,
          baseline: { ...proportion(b, settings), upper: upper(b, settings.level) },
          candidate: { ...proportion(c, settings), upper: upper(c, settings.level), gateUpper: upper(c, settings.gateLevel) },
          difference: rateDifference(b, c, settings, pairs).difference,
        };
      }),
    };
  },
});
