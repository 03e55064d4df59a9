import { PassRateDelta, type ResultRecord } from '@assay/contracts';
import { z } from 'zod';
import { defineRunMetric } from '../run-metric.js';
import { addOutcome, mergeOutcomes, type Outcomes } from '../lib/outcomes.js';
import { proportion, rateDifference } from '../lib/proportions.js';

type SideState = Record<string, Outcomes>;
interface State {
  baseline: SideState;
  candidate: SideState;
}

/** `assets`: passed every threshold; `<score>`: within that threshold (skipped thresholds count for neither). */
function addChecks(into: SideState, record: ResultRecord, offset: number): void {
  const checks = record.status === 'completed' ? record.checks : undefined;
  if (!checks) return;
  addOutcome(into, 'assets', offset, checks.pass);
  for (const s of checks.passed) addOutcome(into, s, offset, true);
  for (const f of checks.failures) addOutcome(into, f.score, offset, false);
}

export default defineRunMetric({
  name: 'pass_rate_deltas',
  version: '1.0.0',
  description:
    "Pass rates of the suite's thresholds (all of them, and each thresholded score) on both sides with Wilson intervals, and " +
    'candidate − baseline with Newcombe’s hybrid score interval (paired: Newcombe’s interval for paired proportions).',
  scope: 'comparison',
  result: z.object({ passRates: z.array(PassRateDelta) }),
  init: (): State => ({ baseline: {}, candidate: {} }),
  update(state, record, at) {
    if (at.side !== 'run') addChecks(state[at.side], record, at.offset);
  },
  merge(into, later) {
    mergeOutcomes(into.baseline, later.baseline);
    mergeOutcomes(into.candidate, later.candidate);
  },
  compute(state, { settings, pairing }) {
    const scopes = [...new Set([...Object.keys(state.baseline), ...Object.keys(state.candidate)])].sort((a, b) =>
      a === 'assets' ? -1 : b === 'assets' ? 1 : a.localeCompare(b),
    );
    const pairs = pairing?.summary.paired ? pairing.pairs : undefined;
    return {
      passRates: scopes.map((scope) => ({
        scope,
        baseline: proportion(state.baseline[scope], settings),
        candidate: proportion(state.candidate[scope], settings),
        ...rateDifference(state.baseline[scope], state.candidate[scope], settings, pairs),
      })),
    };
  },
});
