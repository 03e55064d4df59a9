import type { ComparisonRecord, ComparisonSettings } from '@assay/contracts';
import { gateLevel, type PolicyDefinition } from '@assay/policies';

/** Intervals of the tables: 95 %. */
export const REPORT_LEVEL = 0.95;
/**
 * Above this many values per side (or pairs), mean intervals are normal-theory (Welch, paired t) rather than
 * bootstrap: 10 000 resamples of every score cost seconds there, and the sampling distribution of a mean is
 * normal to well within bootstrap error at that size.
 */
export const BOOTSTRAP_MAX_N = 5000;

/** How a comparison is computed: from its policy (levels, slices, what is judged) and its request (seed, resamples). */
export function comparisonSettings(
  policy: PolicyDefinition,
  record: Pick<ComparisonRecord, 'seed' | 'resamples' | 'slices'>,
): ComparisonSettings {
  const gated = new Set<string>();
  for (const c of policy.criteria) if ('score' in c && c.score) gated.add(c.score);
  return {
    alpha: policy.alpha,
    level: REPORT_LEVEL,
    gateLevel: gateLevel(policy),
    seed: record.seed,
    resamples: record.resamples,
    bootstrapMaxN: BOOTSTRAP_MAX_N,
    multipleTesting: policy.multipleTesting,
    slices: record.slices,
    sliceMinN: policy.sliceMinN,
    gatedScores: [...gated].sort(),
  };
}

/** A closed run on its own: no policy, one level. */
export function runSettings(seed = 1, resamples = 10_000): ComparisonSettings {
  return {
    alpha: 1 - REPORT_LEVEL,
    level: REPORT_LEVEL,
    gateLevel: REPORT_LEVEL,
    seed,
    resamples,
    bootstrapMaxN: BOOTSTRAP_MAX_N,
    multipleTesting: 'holm',
    slices: [],
    sliceMinN: 20,
    gatedScores: [],
  };
}
