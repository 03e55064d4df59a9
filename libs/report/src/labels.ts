import type { CriterionOutcome, ExcludedScore, Reading, Verdict } from '@assay/contracts';

export const READING_TEXT: Record<Reading, string> = {
  better: 'better',
  worse: 'worse',
  no_detectable_difference: 'no detectable difference',
  increased: 'increased',
  decreased: 'decreased',
};

/** Stroke/text colours on white, each ≥ 4.5:1 contrast. */
export const READING_COLOUR: Record<Reading, string> = {
  better: '#1a7f37',
  worse: '#b42318',
  no_detectable_difference: '#57606a',
  increased: '#0b5cad',
  decreased: '#0b5cad',
};

export const READING_GLYPH: Record<Reading, string> = {
  better: '▲',
  worse: '▼',
  no_detectable_difference: '●',
  increased: '↑',
  decreased: '↓',
};

export const OUTCOME_TEXT: Record<CriterionOutcome, string> = {
  fail: '✗ fail',
  inconclusive: '? inconclusive',
  pass: '✓ pass',
  skipped: '– skipped',
};
export const OUTCOME_ORDER: Record<CriterionOutcome, number> = { fail: 0, inconclusive: 1, pass: 2, skipped: 3 };

export const VERDICT_TEXT: Record<Verdict, string> = { GO: 'GO', NO_GO: 'NO-GO', INCONCLUSIVE: 'INCONCLUSIVE' };
export const VERDICT_MEANING: Record<Verdict, string> = {
  GO: 'The candidate meets every criterion of the policy: it may launch.',
  NO_GO: 'The candidate fails at least one criterion of the policy: it may not launch.',
  INCONCLUSIVE: 'The evidence does not settle at least one criterion and none fails: collect more data before deciding.',
};

export const EXCLUDED_TEXT: Record<ExcludedScore['reason'], string> = {
  baseline_only: 'only the baseline has it',
  candidate_only: 'only the candidate has it',
  metric_version_differs: 'metric versions differ',
  too_few_values: 'too few values',
  not_in_catalog: 'not in the metric catalog',
};

export const DIRECTION_TEXT: Record<string, string> = { higher: 'higher is better', lower: 'lower is better', none: 'descriptive' };
