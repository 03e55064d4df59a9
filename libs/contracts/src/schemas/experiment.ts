import { z } from 'zod';

/**
 * Online experiments (docs/experiments.md): A/B tests of generated content on engagement, and observational
 * analyses of which asset attributes drive it. Engagement events arrive through the API or from S3 exports,
 * are folded into per-unit aggregates as they arrive, and are analysed with the unit of randomization as the
 * unit of analysis.
 */

export const EXPERIMENT_EVENT_TYPES = ['impression', 'click', 'add_to_cart', 'purchase'] as const;
export const ExperimentEventType = z.enum(EXPERIMENT_EVENT_TYPES);
export type ExperimentEventType = z.infer<typeof ExperimentEventType>;

export const VariantKey = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, _ and -, starting with a letter');
export const ExperimentMetricKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, starting with a letter');
export const CovariateName = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, starting with a letter');

export const Variant = z
  .object({
    key: VariantKey,
    description: z.string().max(2000).optional(),
    /** the closed run whose assets this variant shows (the causal analysis joins engagement with its scores) */
    runId: z.string().min(1).max(100).optional(),
    /** planned share of units, relative to the other variants' weights (the SRM check's expectation) */
    weight: z.number().positive().max(1000).default(1),
  })
  .strict();
export type Variant = z.infer<typeof Variant>;

/** What a unit contributes to a metric: the number of its events of a type, or the sum of their values. */
export const UnitMeasure = z.object({ event: ExperimentEventType, aggregate: z.enum(['count', 'value']).default('count') }).strict();
export type UnitMeasure = z.infer<typeof UnitMeasure>;

/**
 * A metric of the readout. `mean`: the average over units of `numerator` (e.g. purchases per user).
 * `ratio`: Σ numerator / Σ denominator over units (e.g. CTR = clicks / impressions), analysed with the delta
 * method because the unit, not the impression, was randomized.
 */
export const ExperimentMetric = z
  .object({
    key: ExperimentMetricKey,
    kind: z.enum(['mean', 'ratio']),
    numerator: UnitMeasure,
    denominator: UnitMeasure.optional(),
    direction: z.enum(['higher_is_better', 'lower_is_better']).default('higher_is_better'),
    /** CUPED: the pre-period covariate (sent per unit with the events) that adjusts this metric */
    covariate: CovariateName.optional(),
    /** guardrails: the largest acceptable degradation, absolute or relative to control */
    nonInferiorityMargin: z
      .object({ absolute: z.number().positive().optional(), relative: z.number().positive().max(10).optional() })
      .strict()
      .refine((m) => (m.absolute === undefined) !== (m.relative === undefined), 'give exactly one of absolute or relative')
      .optional(),
  })
  .strict()
  .refine((m) => (m.kind === 'ratio') === (m.denominator !== undefined), {
    message: 'a ratio metric has a denominator; a mean metric has none',
    path: ['denominator'],
  });
export type ExperimentMetric = z.infer<typeof ExperimentMetric>;

/** An effect size, as an absolute difference or relative to control (0.02 = +2 %). */
export const EffectSize = z
  .object({ absolute: z.number().positive().optional(), relative: z.number().positive().max(10).optional() })
  .strict()
  .refine((m) => (m.absolute === undefined) !== (m.relative === undefined), 'give exactly one of absolute or relative');
export type EffectSize = z.infer<typeof EffectSize>;

export const CreateExperimentRequest = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    /** the unit of randomization, and so of analysis */
    unit: z.enum(['user', 'session']),
    variants: z.array(Variant).min(2).max(10),
    /** the baseline variant; the first one when absent */
    control: VariantKey.optional(),
    primaryMetric: ExperimentMetric,
    secondaryMetrics: z.array(ExperimentMetric).max(10).default([]),
    /** metrics that must not degrade: each needs a non-inferiority margin */
    guardrails: z.array(ExperimentMetric).max(10).default([]),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    power: z.number().gt(0.5).lt(1).default(0.8),
    /** the SRM check's threshold: a p-value below it blocks the readout */
    srmAlpha: z.number().gt(0).lt(0.5).default(0.001),
    /** planned units per variant and the minimum detectable effect of the primary metric */
    plan: z.object({ unitsPerVariant: z.number().int().positive().optional(), mde: EffectSize.optional() }).strict().default({}),
    /** always-valid inference: the readout may be looked at any time without inflating false positives */
    sequential: z.boolean().default(false),
  })
  .strict();
export type CreateExperimentRequest = z.infer<typeof CreateExperimentRequest>;

export const ExperimentStatus = z.enum(['running', 'stopped']);

export const ExperimentRecord = CreateExperimentRequest.extend({
  id: z.string(),
  control: VariantKey,
  status: ExperimentStatus,
  createdAt: z.string(),
  stoppedAt: z.string().optional(),
});
export type ExperimentRecord = z.infer<typeof ExperimentRecord>;

/** An experiment with its live counts. */
export const ExperimentView = ExperimentRecord.extend({
  counts: z.object({
    events: z.number().int(),
    duplicates: z.number().int(),
    units: z.number().int(),
    unitsByVariant: z.record(z.string(), z.number().int()),
  }),
});
export type ExperimentView = z.infer<typeof ExperimentView>;

export const ExperimentEvent = z
  .object({
    /** idempotency key: an event id seen before (by API or import) is counted once */
    eventId: z.string().min(1).max(128),
    unitId: z.string().min(1).max(256),
    variant: VariantKey,
    assetId: z.string().min(1).max(512).optional(),
    type: ExperimentEventType,
    /** e.g. revenue of a purchase; 0 when absent */
    value: z.number().finite().default(0),
    /** when it happened (ISO 8601); order of arrival does not matter */
    timestamp: z.string().datetime({ offset: true }),
  })
  .strict();
export type ExperimentEvent = z.infer<typeof ExperimentEvent>;

/** Pre-period covariates of a unit (CUPED), e.g. its purchases in the month before the experiment. */
export const UnitCovariates = z
  .object({
    unitId: z.string().min(1).max(256),
    covariates: z.record(CovariateName, z.number().finite()).refine((c) => Object.keys(c).length <= 16, 'at most 16 covariates'),
  })
  .strict();
export type UnitCovariates = z.infer<typeof UnitCovariates>;

export const EventBatch = z
  .object({
    events: z.array(ExperimentEvent).max(10_000).default([]),
    units: z.array(UnitCovariates).max(10_000).default([]),
  })
  .strict();
export type EventBatch = z.infer<typeof EventBatch>;

export const EventBatchResult = z.object({
  /** new events, folded into the unit aggregates */
  accepted: z.number().int(),
  /** events whose id was seen before: not counted again */
  duplicates: z.number().int(),
  units: z.number().int(),
});
export type EventBatchResult = z.infer<typeof EventBatchResult>;

export const CreateEventImportRequest = z
  .object({
    /** `s3://bucket/key` of one object, or of a prefix ending in `/` (every object under it) */
    uri: z.string().regex(/^s3:\/\/[^/]+\/.*/, 'an s3://bucket/key URI'),
    /** from the file extension when absent (.ndjson, .jsonl, .json → ndjson; .parquet → parquet) */
    format: z.enum(['ndjson', 'parquet']).optional(),
  })
  .strict();
export type CreateEventImportRequest = z.infer<typeof CreateEventImportRequest>;

export const EventImport = z.object({
  importId: z.string(),
  experimentId: z.string(),
  uri: z.string(),
  format: z.enum(['ndjson', 'parquet']),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  objects: z.number().int(),
  /** rows read, and what became of them */
  read: z.number().int(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  /** rejected rows per error code */
  rejectedByCode: z.record(z.string(), z.number().int()),
  /** the first rejected rows, to fix the export */
  errors: z.array(z.object({ object: z.string(), row: z.number().int(), code: z.string(), message: z.string() })),
  failure: z.object({ code: z.string(), message: z.string() }).optional(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
});
export type EventImport = z.infer<typeof EventImport>;

// ---- analysis ----

const Bounds = z.tuple([z.number(), z.number()]);

export const ArmEstimate = z.object({ units: z.number().int(), estimate: z.number(), se: z.number() });

export const MetricResult = z.object({
  metric: ExperimentMetricKey,
  role: z.enum(['primary', 'secondary', 'guardrail']),
  kind: z.enum(['mean', 'ratio']),
  direction: z.enum(['higher_is_better', 'lower_is_better']),
  test: z.enum(['welch_t', 'z']),
  control: ArmEstimate,
  treatment: ArmEstimate,
  /** treatment − control */
  difference: z.object({
    estimate: z.number(),
    se: z.number(),
    ci: Bounds,
    statistic: z.number(),
    /** null for z tests (ratio metrics): the normal distribution */
    df: z.number().nullable(),
    pValue: z.number(),
  }),
  relativeLift: z.object({ estimate: z.number(), se: z.number(), ci: Bounds }),
  /** Holm-adjusted over the primary and secondary metrics of all treatments */
  pValueAdjusted: z.number().optional(),
  significant: z.boolean(),
  cuped: z.object({ covariate: z.string(), theta: z.number(), varianceReduction: z.number(), units: z.number().int() }).optional(),
  nonInferiority: z.object({ absoluteMargin: z.number(), bound: z.number(), pValue: z.number(), passed: z.boolean() }).optional(),
  /** always-valid interval and p-value of the difference (sequential experiments) */
  sequential: z.object({ ci: Bounds, pValue: z.number(), significant: z.boolean() }).optional(),
});
export type MetricResult = z.infer<typeof MetricResult>;

export const VariantComparison = z.object({
  variant: VariantKey,
  control: VariantKey,
  metrics: z.array(MetricResult),
  /** ship: primary better and significant, guardrails hold; no_ship: primary significantly worse or a guardrail fails */
  decision: z.enum(['ship', 'no_ship', 'inconclusive', 'blocked']),
  reasons: z.array(z.string()),
});
export type VariantComparison = z.infer<typeof VariantComparison>;

export const SrmCheck = z.object({
  statistic: z.number(),
  df: z.number(),
  pValue: z.number(),
  threshold: z.number(),
  passed: z.boolean(),
  observed: z.record(z.string(), z.number()),
  expected: z.record(z.string(), z.number()),
});
export type SrmCheck = z.infer<typeof SrmCheck>;

/** The primary metric's lift, day by day, over the units first exposed up to that day. */
export const TimelinePoint = z.object({
  date: z.string(),
  units: z.record(z.string(), z.number().int()),
  lifts: z.array(z.object({ variant: VariantKey, estimate: z.number(), ci: Bounds, sequentialCi: Bounds.optional() })),
});
export type TimelinePoint = z.infer<typeof TimelinePoint>;

export const ExperimentAnalysis = z.object({
  experimentId: z.string(),
  name: z.string(),
  unit: z.enum(['user', 'session']),
  computedAt: z.string(),
  status: z.enum(['ok', 'srm_failed', 'insufficient_data']),
  /** why the readout must not be trusted (SRM, a variant without units) */
  blockedReason: z.string().optional(),
  alpha: z.number(),
  sequential: z.boolean(),
  units: z.object({
    total: z.number().int(),
    byVariant: z.record(z.string(), z.number().int()),
    /** units with events in more than one variant: left out of every metric */
    crossover: z.number().int(),
  }),
  events: z.object({ accepted: z.number().int(), duplicates: z.number().int() }),
  srm: SrmCheck,
  comparisons: z.array(VariantComparison),
  timeline: z.array(TimelinePoint),
  plan: z.object({
    unitsPerVariant: z.number().int().optional(),
    mdeAbsolute: z.number().optional(),
    /** smallest variant's units over the planned units per variant */
    progress: z.number().optional(),
  }),
  notes: z.array(z.string()),
});
export type ExperimentAnalysis = z.infer<typeof ExperimentAnalysis>;

// ---- planning ----

export const PlanRequest = z
  .object({
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    power: z.number().gt(0.5).lt(1).default(0.8),
    /** the primary metric today: a rate (e.g. CTR 0.04) or a mean with its standard deviation per unit */
    baseline: z.union([
      z.object({ rate: z.number().gt(0).lt(1) }).strict(),
      z.object({ mean: z.number().finite(), sd: z.number().positive() }).strict(),
    ]),
    /** the effect to detect; or give unitsPerVariant to get the detectable effect */
    mde: EffectSize.optional(),
    unitsPerVariant: z.number().int().min(2).optional(),
    variants: z.number().int().min(2).max(10).default(2),
    /** CUPED: correlation of the metric with its pre-period covariate; variance shrinks by 1 − ρ² */
    covariateCorrelation: z.number().min(0).lt(1).optional(),
  })
  .strict()
  .refine((p) => (p.mde === undefined) !== (p.unitsPerVariant === undefined), 'give exactly one of mde or unitsPerVariant');
export type PlanRequest = z.infer<typeof PlanRequest>;

export const PlanResult = z.object({
  unitsPerVariant: z.number().int(),
  totalUnits: z.number().int(),
  mde: z.object({ absolute: z.number(), relative: z.number().optional() }),
  power: z.number(),
  /** the per-comparison α after Bonferroni over treatments (more than two variants) */
  alphaPerComparison: z.number(),
  sd: z.number(),
  notes: z.array(z.string()),
});
export type PlanResult = z.infer<typeof PlanResult>;

// ---- causal analysis of asset attributes ----

/** What "treated" means for an asset: a binarized score or an attribute. */
export const CausalTreatment = z.union([
  z
    .object({
      /** `metric.score`, e.g. `text.unexpected_text` */
      score: z.string().min(1).max(100),
      /** treated when the score is above this value */
      above: z.number().finite().optional(),
      /** treated when the score is in the top share of the joined assets (0.25 = top quartile) */
      topShare: z.number().gt(0).lt(1).optional(),
    })
    .strict()
    .refine((t) => (t.above === undefined) !== (t.topShare === undefined), 'give exactly one of above or topShare'),
  z
    .object({
      attribute: z.string().min(1).max(64),
      /** treated when the attribute equals this; a boolean attribute needs none */
      equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    })
    .strict(),
]);
export type CausalTreatment = z.infer<typeof CausalTreatment>;

export const CausalRequest = z
  .object({
    treatment: CausalTreatment,
    /** the per-asset outcome: Σ numerator events / Σ denominator events over all its exposures */
    outcome: z
      .object({ numerator: ExperimentEventType.default('click'), denominator: ExperimentEventType.default('impression') })
      .strict()
      .default({ numerator: 'click', denominator: 'impression' }),
    /** asset attributes or `metric.score` names to adjust for (strings and booleans become categories) */
    confounders: z.array(z.string().min(1).max(100)).max(20).default([]),
    /** an attribute whose values group assets for cluster-robust standard errors */
    cluster: z.string().min(1).max(64).optional(),
    /** assets with fewer denominator events are left out */
    minExposures: z.number().int().min(1).default(20),
    trim: z.tuple([z.number().min(0).lt(0.5), z.number().gt(0.5).max(1)]).default([0.05, 0.95]),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
  })
  .strict();
export type CausalRequest = z.infer<typeof CausalRequest>;

export const EffectEstimate = z.object({ estimate: z.number(), se: z.number(), ci: Bounds, pValue: z.number() });

export const CausalAnalysis = z.object({
  experimentId: z.string(),
  computedAt: z.string(),
  request: CausalRequest,
  assets: z.object({
    joined: z.number().int(),
    treated: z.number().int(),
    control: z.number().int(),
    /** left out, by reason (no result, too few exposures, a missing confounder or treatment value) */
    excluded: z.record(z.string(), z.number().int()),
  }),
  outcomeMean: z.number(),
  naive: EffectEstimate,
  regression: EffectEstimate.extend({ covType: z.enum(['HC1', 'cluster']) }),
  ipw: EffectEstimate,
  aipw: EffectEstimate,
  propensity: z.object({ coef: z.record(z.string(), z.number()), converged: z.boolean() }),
  overlap: z.object({
    edges: z.array(z.number()),
    treated: z.object({ bins: z.array(z.number()), min: z.number(), max: z.number() }),
    control: z.object({ bins: z.array(z.number()), min: z.number(), max: z.number() }),
    trimmed: z.number().int(),
    trimBounds: Bounds,
  }),
  balance: z.array(z.object({ covariate: z.string(), smdBefore: z.number(), smdAfter: z.number() })),
  eValue: z.object({ point: z.number(), ciBound: z.number() }),
  /** observational estimates: valid only under no unmeasured confounding, overlap and correct models */
  assumptions: z.string(),
});
export type CausalAnalysis = z.infer<typeof CausalAnalysis>;
