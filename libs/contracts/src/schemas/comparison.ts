import { z } from 'zod';
import { SetDistances } from './distribution.js';
import { MODALITIES } from '../modalities.js';
import { FailureReason } from './common.js';
import { ScoreDirection } from './metric-catalog.js';

/** An attribute key results are sliced by (a key of the assets' `attributes`). */
export const SliceKey = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'an attribute key: letters, digits, _ . -');

/** `POST /v1/comparisons`: compare a candidate run with a baseline run under a launch policy. */
export const CreateComparisonRequest = z
  .object({
    baselineRunId: z.string().min(1).max(100),
    candidateRunId: z.string().min(1).max(100),
    /** a policy name (GET /v1/policies; default `<modality>-launch`), or a whole policy written inline (docs/compare.md) */
    policy: z
      .union([
        z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
          .describe('a policy name'),
        z.record(z.string(), z.unknown()).describe('an inline policy, as in a policy YAML file'),
      ])
      .optional(),
    /** attribute keys to slice by, beside the policy's own */
    slices: z.array(SliceKey).max(10).optional(),
    /** the resampling seed: the same runs, policy and seed give the same result bit for bit (default 1) */
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    /** bootstrap resamples (default 10 000) */
    resamples: z.number().int().min(1000).max(100_000).optional(),
  })
  .strict();
export type CreateComparisonRequest = z.infer<typeof CreateComparisonRequest>;

/** [lower, upper]; null where a bound does not exist (an order statistic beyond the sample) */
export const Interval = z.tuple([z.number().nullable(), z.number().nullable()]);
export type Interval = z.infer<typeof Interval>;

/** How an interval was computed, named so a reviewer can look each one up (docs/compare.md). */
export const IntervalMethod = z.enum([
  'bca_bootstrap',
  'percentile_bootstrap',
  'welch_t',
  'paired_t',
  'wilson',
  'clopper_pearson',
  'newcombe_hybrid_score',
  'newcombe_paired',
  'order_statistic',
  'quantile_bootstrap',
  'slice_bootstrap',
]);
export type IntervalMethod = z.infer<typeof IntervalMethod>;

/** A point estimate with its interval at the report's level and, for what a policy judges, at the gate's level. */
export const Estimate = z.object({
  value: z.number().nullable(),
  ci: Interval,
  method: IntervalMethod,
  /** the interval at the policy's (multiplicity-adjusted) level, when a criterion uses this estimate */
  gateCi: Interval.optional(),
});
export type Estimate = z.infer<typeof Estimate>;

export const RunRef = z.object({
  runId: z.string(),
  name: z.string(),
  modelVersion: z.string(),
  suite: z.string(),
  modality: z.enum(MODALITIES),
  closedAt: z.string().optional(),
  /** result records read: completed and failed assets */
  records: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
});
export type RunRef = z.infer<typeof RunRef>;

/** How assets of the two runs were matched. */
export const Pairing = z.object({
  /** `prompt_id`: attributes.promptId; `prompt`: exact prompt text; `none`: no key on both sides */
  key: z.enum(['prompt_id', 'prompt', 'none']),
  /** matched pairs (keys present once on each side) */
  pairs: z.number().int(),
  /** pairs / completed assets of the larger side */
  share: z.number(),
  /** paired analysis is used when share ≥ 0.8 */
  paired: z.boolean(),
  /** keys that occur more than once on a side are not paired */
  duplicateKeys: z.number().int(),
});
export type Pairing = z.infer<typeof Pairing>;

export const SideStats = z.object({ n: z.number().int(), mean: z.number(), median: z.number(), std: z.number() });
export type SideStats = z.infer<typeof SideStats>;

/** `better`/`worse` for scores with a direction; `increased`/`decreased` for descriptive ones. */
export const Reading = z.enum(['better', 'worse', 'no_detectable_difference', 'increased', 'decreased']);
export type Reading = z.infer<typeof Reading>;

/** One score both runs have: candidate − baseline. */
export const ScoreDelta = z.object({
  score: z.string(),
  direction: ScoreDirection,
  unit: z.string().optional(),
  metricVersion: z.string(),
  baseline: SideStats,
  candidate: SideStats,
  paired: z.boolean(),
  /** pairs used (paired analysis) */
  pairs: z.number().int().optional(),
  /** mean(candidate) − mean(baseline) (paired: mean of the differences) */
  difference: Estimate,
  /** the candidate's mean on its own, for absolute criteria */
  candidateMean: Estimate,
  test: z.enum(['wilcoxon_signed_rank', 'mann_whitney_u']),
  pValue: z.number(),
  /** adjusted across the scores compared (`settings.multipleTesting`) */
  pAdjusted: z.number(),
  effectSize: z.object({ kind: z.enum(['cohens_dz', 'hedges_g']), value: z.number().nullable() }),
  /** the rank test's adjusted p-value against alpha, in the direction of its effect, read with the score's direction */
  reading: Reading,
  /** each side's quantiles at 0, 5, …, 100 % (21 values): the distributions the report overlays */
  quantiles: z.object({ baseline: z.array(z.number()), candidate: z.array(z.number()) }),
});
export type ScoreDelta = z.infer<typeof ScoreDelta>;

/** A score a side lacks, or one the two runs measured with different metric versions. */
export const ExcludedScore = z.object({
  score: z.string(),
  reason: z.enum(['baseline_only', 'candidate_only', 'metric_version_differs', 'too_few_values', 'not_in_catalog']),
  detail: z.string(),
});
export type ExcludedScore = z.infer<typeof ExcludedScore>;

export const Proportion = z.object({
  count: z.number().int(),
  n: z.number().int(),
  rate: z.number().nullable(),
  /** Wilson score interval */
  ci: Interval,
  gateCi: Interval.optional(),
});
export type Proportion = z.infer<typeof Proportion>;

/** Pass rates (all of a suite's thresholds, or one thresholded score): candidate − baseline. */
export const PassRateDelta = z.object({
  /** `assets` for passing every threshold, else the thresholded score */
  scope: z.string(),
  baseline: Proportion,
  candidate: Proportion,
  paired: z.boolean(),
  difference: Estimate,
});
export type PassRateDelta = z.infer<typeof PassRateDelta>;

/** A safety check's flagged share: exact one-sided upper bounds (Clopper–Pearson) on each side. */
export const SafetyRate = z.object({
  score: z.string(),
  baseline: Proportion.extend({ upper: z.number().nullable() }),
  candidate: Proportion.extend({ upper: z.number().nullable(), gateUpper: z.number().nullable().optional() }),
  difference: Estimate,
});
export type SafetyRate = z.infer<typeof SafetyRate>;

export const LatencyQuantile = z.object({
  q: z.number(),
  baseline: Estimate,
  candidate: Estimate,
  /** candidate / baseline */
  ratio: Estimate,
});

/** Latency of one source on both sides, in milliseconds. */
export const LatencyComparison = z.object({
  /** `generation`: attributes.generationLatencyMs as the caller reported it; `scoring`: Assay's own timings.totalMs */
  source: z.enum(['generation', 'scoring']),
  n: z.object({ baseline: z.number().int(), candidate: z.number().int() }),
  quantiles: z.array(LatencyQuantile),
});
export type LatencyComparison = z.infer<typeof LatencyComparison>;

export const SliceSide = z.object({
  n: z.number().int(),
  passRate: Proportion,
  /** mean of each gated score in the slice */
  means: z.record(z.string(), z.number()),
});

export const SliceAnalysis = z.object({
  key: z.string(),
  /** slices under this many assets (candidate side) are shown but not judged */
  minN: z.number().int(),
  slices: z.array(z.object({ value: z.string(), baseline: SliceSide, candidate: SliceSide, judged: z.boolean() })),
  /** the candidate's disparity across judged slices; null with fewer than two */
  disparity: z
    .object({
      lowest: z.object({ value: z.string(), rate: z.number() }),
      highest: z.object({ value: z.string(), rate: z.number() }),
      /** lowest / highest pass rate (the four-fifths rule reads this) */
      ratio: Estimate,
      /** highest − lowest pass rate */
      gap: Estimate,
    })
    .nullable(),
});
export type SliceAnalysis = z.infer<typeof SliceAnalysis>;

export const Verdict = z.enum(['GO', 'NO_GO', 'INCONCLUSIVE']);
export type Verdict = z.infer<typeof Verdict>;

/** `skipped`: an optional criterion on something neither run measured (it does not count) */
export const CriterionOutcome = z.enum(['pass', 'fail', 'inconclusive', 'skipped']);
export type CriterionOutcome = z.infer<typeof CriterionOutcome>;

/** One policy criterion judged: what was measured, the bound it was judged on, and the limit. */
export const CriterionResult = z.object({
  id: z.string(),
  type: z.enum(['non_inferiority', 'superiority', 'absolute', 'safety', 'latency', 'fairness', 'completeness', 'sample_size']),
  description: z.string(),
  outcome: CriterionOutcome,
  /** the estimate (a difference, a rate, a quantile, a ratio, a share) */
  value: z.number().nullable(),
  /** the interval it was judged on; null for facts of the runs (counts) */
  interval: Interval.nullable(),
  /** confidence level of `interval` (the gate's, adjusted for the number of criteria) */
  level: z.number().nullable(),
  limit: z.number(),
  method: z.string(),
  /** one sentence a reviewer reads */
  evidence: z.string(),
});
export type CriterionResult = z.infer<typeof CriterionResult>;

export const ComparisonSettings = z.object({
  alpha: z.number(),
  /** level of the intervals in the tables */
  level: z.number(),
  /** level of the intervals criteria are judged on: 1 − alpha / (statistical criteria) */
  gateLevel: z.number(),
  seed: z.number().int(),
  resamples: z.number().int(),
  /** above this many values per side (or pairs), mean intervals are normal-theory (Welch / paired t), not bootstrap */
  bootstrapMaxN: z.number().int(),
  multipleTesting: z.enum(['holm', 'bh']),
  slices: z.array(z.string()),
  sliceMinN: z.number().int(),
  /** scores the policy's criteria judge: slices report their means */
  gatedScores: z.array(z.string()),
});
export type ComparisonSettings = z.infer<typeof ComparisonSettings>;

/** The stored result of a comparison: `comparisons/<id>/comparison.json`. */
export const ComparisonResult = z.object({
  schemaVersion: z.literal(1),
  id: z.string(),
  createdAt: z.string(),
  finishedAt: z.string(),
  assayVersion: z.string(),
  baseline: RunRef,
  candidate: RunRef,
  settings: ComparisonSettings,
  pairing: Pairing,
  scores: z.array(ScoreDelta),
  excludedScores: z.array(ExcludedScore),
  passRates: z.array(PassRateDelta),
  safety: z.array(SafetyRate),
  latency: z.array(LatencyComparison),
  slices: z.array(SliceAnalysis),
  /** the candidate's embeddings against the baseline's, per feature extractor both runs stored (empty if none) */
  distribution: z.array(SetDistances).default([]),
  verdict: z.object({
    policy: z.object({ name: z.string(), description: z.string(), source: z.string() }),
    outcome: Verdict,
    criteria: z.array(CriterionResult),
  }),
  /** the run-level metrics that produced the sections, with their versions */
  runMetrics: z.array(z.object({ name: z.string(), version: z.string() })),
});
export type ComparisonResult = z.infer<typeof ComparisonResult>;

/** What a comparison was asked to do, resolved when it was accepted (stored in Redis under its id). */
export const ComparisonRecord = z.object({
  id: z.string(),
  baselineRunId: z.string(),
  candidateRunId: z.string(),
  modality: z.enum(MODALITIES),
  /** the policy's name; an inline policy is stored whole in `inlinePolicy` */
  policy: z.string(),
  inlinePolicy: z.record(z.string(), z.unknown()).optional(),
  slices: z.array(z.string()),
  seed: z.number().int(),
  resamples: z.number().int(),
  createdAt: z.string(),
  requestId: z.string().optional(),
  /** the sweep run that asked for it: the verdict webhook names it */
  sweep: z.object({ name: z.string(), date: z.string() }).optional(),
});
export type ComparisonRecord = z.infer<typeof ComparisonRecord>;

export const ComparisonStatus = z.enum(['queued', 'running', 'done', 'failed']);
export type ComparisonStatus = z.infer<typeof ComparisonStatus>;

/** `GET /v1/comparisons/:id`: the request and its state, then the verdict and the result. */
export const ComparisonView = z.object({
  id: z.string(),
  status: ComparisonStatus,
  baselineRunId: z.string(),
  candidateRunId: z.string(),
  policy: z.string(),
  slices: z.array(z.string()),
  seed: z.number().int(),
  resamples: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  /** why it failed (a stable code, docs/errors.md) */
  error: FailureReason.optional(),
  verdict: Verdict.optional(),
  resultUri: z.string().optional(),
  reportUri: z.string().optional(),
  result: ComparisonResult.optional(),
});
export type ComparisonView = z.infer<typeof ComparisonView>;

/** The body POSTed to COMPARISON_WEBHOOK_URL when a comparison is done (signed like inbound hooks). */
export const VerdictDelivery = z.object({
  event: z.literal('comparison.done'),
  comparisonId: z.string(),
  verdict: Verdict,
  policy: z.string(),
  baseline: z.object({ runId: z.string(), name: z.string(), modelVersion: z.string() }),
  candidate: z.object({ runId: z.string(), name: z.string(), modelVersion: z.string() }),
  /** the criteria that did not pass, by id and outcome */
  blocking: z.array(z.object({ id: z.string(), outcome: CriterionOutcome, evidence: z.string() })),
  finishedAt: z.string(),
  resultUri: z.string(),
  reportUri: z.string(),
  /** present when a nightly sweep asked for the comparison: its name, date and where its outcome is published */
  sweep: z.object({ name: z.string(), date: z.string(), outcomeUri: z.string() }).optional(),
});
export type VerdictDelivery = z.infer<typeof VerdictDelivery>;
