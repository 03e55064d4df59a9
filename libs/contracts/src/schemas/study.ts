import { z } from 'zod';
import { MODALITIES } from '../modalities.js';
import { AttributeValue } from './common.js';

/**
 * Human evaluation studies (docs/human-eval.md): people rate assets of closed runs under a written rubric,
 * their answers are checked for quality, and the analysis puts them beside Assay's own scores.
 */

export const StudyProtocol = z.enum(['pairwise', 'likert', 'binary']);
export type StudyProtocol = z.infer<typeof StudyProtocol>;

export const DimensionKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, starting with a letter');

const RubricExample = z
  .object({
    /** what the example shows and why it earns its answer */
    description: z.string().min(1).max(2000),
    /** the answer it deserves, in the rubric's words (e.g. "4 — minor artifacts") */
    answer: z.string().min(1).max(200),
  })
  .strict();

/** One thing raters judge: a Likert dimension, a yes/no check, or the pairwise question. */
export const RubricDimension = z
  .object({
    key: DimensionKey,
    /** the question as raters read it, e.g. "How faithful is the image to the prompt?" */
    label: z.string().min(1).max(200),
    /** what to look at and how to decide: shown beside every task */
    instructions: z.string().min(1).max(4000),
    /** Likert: a short name for each scale point, lowest first (e.g. "1 — unrelated" … "5 — exact") */
    anchors: z.array(z.string().min(1).max(80)).max(7).optional(),
    examples: z.array(RubricExample).max(10).default([]),
  })
  .strict();
export type RubricDimension = z.infer<typeof RubricDimension>;

/**
 * An answer as the analysis reads it, free of screen positions. Pairwise: which of the item's assets
 * (`a` = its first, `b` = its second) was preferred; Likert: a rating per dimension (1…points);
 * binary: yes/no per dimension.
 */
export const StudyAnswerValue = z.union([
  z.object({ preferred: z.enum(['a', 'b', 'tie']) }).strict(),
  z.object({ ratings: z.record(DimensionKey, z.number().int().min(1).max(7)) }).strict(),
  z.object({ checks: z.record(DimensionKey, z.boolean()) }).strict(),
]);
export type StudyAnswerValue = z.infer<typeof StudyAnswerValue>;

/** An asset of a closed run. */
export const StudyAssetRef = z.object({ runId: z.string().min(1).max(100), assetId: z.string().min(1).max(512) }).strict();
export type StudyAssetRef = z.infer<typeof StudyAssetRef>;

/**
 * A gold (attention) item: assets with a known answer, mixed into raters' queues to measure their accuracy.
 * Likert gold gives the acceptable range per dimension.
 */
export const GoldItemRequest = z
  .object({
    assets: z.array(StudyAssetRef).min(1).max(2),
    prompt: z.string().max(10_000).optional(),
    expected: z.union([
      z.object({ preferred: z.enum(['a', 'b']) }).strict(),
      z.object({ ratings: z.record(DimensionKey, z.object({ min: z.number().int().min(1), max: z.number().int().max(7) })) }).strict(),
      z.object({ checks: z.record(DimensionKey, z.boolean()) }).strict(),
    ]),
  })
  .strict();
export type GoldItemRequest = z.infer<typeof GoldItemRequest>;
export type GoldExpectation = GoldItemRequest['expected'];

export const StudyQuality = z
  .object({
    /** raters below this share of correct gold answers are excluded from the analysis */
    minGoldAccuracy: z.number().min(0).max(1).default(0.7),
    /** gold answers a rater needs before their gold accuracy can exclude them */
    minGoldAnswers: z.number().int().min(1).default(3),
    /** raters whose median time per task is below this are excluded (seconds) */
    minMedianSeconds: z.number().min(0).default(1.5),
    /** raters giving the same answer (or, pairwise, the same screen side) to more than this share are excluded */
    maxStraightLining: z.number().min(0).max(1).default(0.9),
    /** answers a rater needs before straight-lining can exclude them */
    minAnswersForStraightLining: z.number().int().min(2).default(10),
  })
  .strict();
export type StudyQuality = z.infer<typeof StudyQuality>;

export const CreateStudyRequest = z
  .object({
    name: z.string().min(1).max(200),
    protocol: StudyProtocol,
    /** closed runs whose assets are rated; pairwise needs at least two (one per model version) */
    runs: z.array(z.string().min(1).max(100)).min(1).max(8),
    /** pairwise: assets of different runs form a pair when this attribute (or `prompt`) is equal */
    pairBy: z.string().min(1).max(64).default('prompt'),
    /** the task, written for the raters: what they see and what is asked */
    instructions: z.string().min(1).max(8000),
    /** pairwise: exactly one (the question); Likert: one rating per dimension; binary: one yes/no per dimension */
    dimensions: z.array(RubricDimension).min(1).max(8),
    /** Likert scale points */
    scalePoints: z.union([z.literal(5), z.literal(7)]).default(5),
    /** pairwise: raters may answer "about the same" */
    allowTies: z.boolean().default(true),
    ratersPerItem: z.number().int().min(1).max(20).default(3),
    /** rate a seeded sample of at most this many items */
    maxItems: z.number().int().min(1).max(100_000).optional(),
    /** seeds the item sample and the screen position of pairwise assets */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(1),
    gold: z
      .object({
        items: z.array(GoldItemRequest).min(1).max(500),
        /** share of a rater's tasks that are gold */
        rate: z.number().min(0.01).max(0.5).default(0.1),
      })
      .strict()
      .optional(),
    quality: StudyQuality.default(StudyQuality.parse({})),
    /** how long rater invite links stay valid */
    tokenTtlHours: z
      .number()
      .min(0.001)
      .max(24 * 90)
      .default(24 * 7),
    /** an unanswered task goes back to the pool after this long */
    leaseMinutes: z
      .number()
      .min(1)
      .max(24 * 60)
      .default(30),
  })
  .strict();
export type CreateStudyRequest = z.infer<typeof CreateStudyRequest>;

export const StudyStatus = z.enum(['open', 'closed']);
export type StudyStatus = z.infer<typeof StudyStatus>;

export const StudyRecord = CreateStudyRequest.omit({ runs: true, gold: true }).extend({
  id: z.string(),
  runs: z.array(z.object({ runId: z.string(), modelVersion: z.string(), name: z.string() })),
  goldRate: z.number(),
  items: z.number().int(),
  goldItems: z.number().int(),
  createdAt: z.string(),
  status: StudyStatus,
  closedAt: z.string().optional(),
});
export type StudyRecord = z.infer<typeof StudyRecord>;

/** One asset of an item as the study keeps it. */
export const StudyItemAsset = StudyAssetRef.extend({
  modelVersion: z.string(),
  modality: z.enum(MODALITIES),
  /** the bytes raters see: the scored content, or for 3D the rendered contact sheet */
  uri: z.string(),
  /** the asset's automated scores (`metric.score` → value), set against the humans by the calibration */
  scores: z.record(z.string(), z.number()),
});
export type StudyItemAsset = z.infer<typeof StudyItemAsset>;

/** What raters judge in one task: one asset, or (pairwise) two for the same prompt. */
export const StudyItem = z.object({
  id: z.string(),
  gold: z.boolean(),
  prompt: z.string().optional(),
  assets: z.array(StudyItemAsset).min(1).max(2),
  /** the first asset's attributes: the slices of the calibration */
  attributes: z.record(z.string(), AttributeValue),
  /** gold items only; never shown to raters */
  expected: GoldItemRequest.shape.expected.optional(),
});
export type StudyItem = z.infer<typeof StudyItem>;

export const CreateRatersRequest = z
  .object({
    raters: z
      .array(z.object({ name: z.string().min(1).max(120), externalId: z.string().max(200).optional() }).strict())
      .min(1)
      .max(500),
  })
  .strict();
export type CreateRatersRequest = z.infer<typeof CreateRatersRequest>;

/** A rater's invite: the token is shown once; only its hash is kept. */
export const RaterInvite = z.object({
  raterId: z.string(),
  name: z.string(),
  token: z.string(),
  /** the rater app's page for this rater (relative to the API's base URL) */
  url: z.string(),
  expiresAt: z.string(),
});
export type RaterInvite = z.infer<typeof RaterInvite>;

export const ScreenPosition = z.enum(['left', 'right', 'single']);

/** The rater app's view of the current task. Gold items look like any other. */
export const RaterTaskView = z.object({
  study: z.object({
    id: z.string(),
    name: z.string(),
    protocol: StudyProtocol,
    instructions: z.string(),
    dimensions: z.array(RubricDimension),
    scalePoints: z.number().int(),
    allowTies: z.boolean(),
  }),
  rater: z.object({ id: z.string(), name: z.string() }),
  progress: z.object({ answered: z.number().int(), target: z.number().int() }),
  /** null once the rater has nothing left to do */
  task: z
    .object({
      assignmentId: z.string(),
      prompt: z.string().optional(),
      assets: z.array(
        z.object({
          position: ScreenPosition,
          modality: z.enum(MODALITIES),
          /** a signed, expiring URL of the asset's bytes, valid only for this rater */
          url: z.string(),
        }),
      ),
      /** the rater's earlier answer when the task was reopened by undo */
      previous: z.lazy(() => RaterAnswer.shape.answer).optional(),
    })
    .nullable(),
  canUndo: z.boolean(),
});
export type RaterTaskView = z.infer<typeof RaterTaskView>;

/** An answer as the rater app sends it: pairwise by screen side. */
export const RaterAnswer = z
  .object({
    assignmentId: z.string().min(1).max(100),
    answer: z.union([
      z.object({ choice: z.enum(['left', 'right', 'tie']) }).strict(),
      z.object({ ratings: z.record(DimensionKey, z.number().int().min(1).max(7)) }).strict(),
      z.object({ checks: z.record(DimensionKey, z.boolean()) }).strict(),
    ]),
    /** time on the task as the page measured it */
    elapsedMs: z.number().int().min(0).max(86_400_000),
  })
  .strict();
export type RaterAnswer = z.infer<typeof RaterAnswer>;

/** An answer as the study keeps it (Redis while open, `answers.jsonl` in S3). */
export const StudyAnswer = z.object({
  studyId: z.string(),
  itemId: z.string(),
  raterId: z.string(),
  assignmentId: z.string(),
  gold: z.boolean(),
  value: StudyAnswerValue,
  /** pairwise: the item's first asset was shown on the right */
  swapped: z.boolean().optional(),
  /** pairwise: the side chosen on screen (position bias and straight-lining are measured on it) */
  side: z.enum(['left', 'right', 'tie']).optional(),
  elapsedMs: z.number().int(),
  answeredAt: z.string(),
  /** `app`: the rater app; `label-studio`: imported from a Label Studio export */
  source: z.enum(['app', 'label-studio']),
});
export type StudyAnswer = z.infer<typeof StudyAnswer>;

export const StudyView = StudyRecord.extend({
  counts: z.object({
    raters: z.number().int(),
    answers: z.number().int(),
    goldAnswers: z.number().int(),
    /** items with ratersPerItem answers */
    itemsComplete: z.number().int(),
  }),
});
export type StudyView = z.infer<typeof StudyView>;

const Interval = z.tuple([z.number(), z.number()]);
export const StudyEstimate = z.object({ estimate: z.number(), ci: Interval, n: z.number().int() });
export const StudyCorrelation = StudyEstimate.extend({ pValue: z.number() });

export const RaterQuality = z.object({
  raterId: z.string(),
  name: z.string(),
  answers: z.number().int(),
  goldAnswers: z.number().int(),
  /** share of gold answers within the expected answer; null without gold answers */
  goldAccuracy: z.number().nullable(),
  medianSeconds: z.number().nullable(),
  /** share of the rater's most frequent answer (pairwise: most frequent screen side) */
  straightLining: z.number().nullable(),
  excluded: z.boolean(),
  /** why, in words, e.g. "gold accuracy 0.40 < 0.70" */
  reasons: z.array(z.string()),
});
export type RaterQuality = z.infer<typeof RaterQuality>;

export const DimensionAgreement = z.object({
  dimension: z.string(),
  /** the level α is computed at: pairwise and binary answers are nominal, Likert ratings ordinal */
  level: z.enum(['nominal', 'ordinal', 'interval']),
  items: z.number().int(),
  raters: z.number().int(),
  ratings: z.number().int(),
  alpha: StudyEstimate,
  /** Likert: α with the interval metric too */
  alphaInterval: StudyEstimate.optional(),
  fleissKappa: StudyEstimate.nullable(),
  percentAgreement: StudyEstimate,
  cohenPairs: z.array(z.object({ raterA: z.string(), raterB: z.string(), kappa: z.number(), n: z.number().int() })),
});

export const VersionPreference = z.object({
  modelVersion: z.string(),
  wins: z.number().int(),
  losses: z.number().int(),
  ties: z.number().int(),
  comparisons: z.number().int(),
  /** ties count half */
  winRate: StudyEstimate,
  /** Bradley–Terry log-strength against the first run's version (Davidson ties); null when the fit has no finite answer */
  strength: z.number().nullable(),
  strengthCi: Interval.nullable(),
  /** by strength, or by win rate when the fit failed */
  rank: z.number().int(),
});

export const LikertVersionMean = z.object({ modelVersion: z.string(), mean: StudyEstimate, distribution: z.array(z.number().int()) });
export const VersionTest = z.object({
  a: z.string(),
  b: z.string(),
  /** Wilcoxon signed-rank on paired item means when the versions share prompts, else Mann–Whitney U */
  test: z.enum(['wilcoxon_signed_rank', 'mann_whitney_u']),
  statistic: z.number(),
  pValue: z.number(),
  /** Holm-adjusted over every test of the analysis */
  pAdjusted: z.number(),
  n: z.number().int(),
});

export const CalibrationSlice = z.object({
  key: z.string(),
  value: z.string(),
  n: z.number().int(),
  agreement: StudyEstimate.nullable(),
});

/**
 * How well one automated score agrees with the humans. `agreement` is the headline: Spearman ρ oriented so
 * positive means agreement (Likert, binary), or pairwise accuracy (pairwise); it is what
 * `assay_judge_human_agreement` exports.
 */
export const ScoreCalibration = z.object({
  score: z.string(),
  /** the human measure it is set against: a dimension key, or `preference` */
  human: z.string(),
  direction: z.enum(['higher', 'lower']),
  measure: z.enum(['spearman', 'pairwise_accuracy']),
  agreement: StudyEstimate,
  spearman: StudyCorrelation.optional(),
  kendallTauB: StudyCorrelation.optional(),
  pairwiseAccuracy: StudyEstimate.extend({ scoreTies: z.number().int() }).optional(),
  byVersion: z.array(z.object({ modelVersion: z.string(), agreement: StudyEstimate.nullable() })),
  slices: z.array(CalibrationSlice),
});
export type ScoreCalibration = z.infer<typeof ScoreCalibration>;

export const StudyAnalysis = z.object({
  studyId: z.string(),
  name: z.string(),
  protocol: StudyProtocol,
  status: StudyStatus,
  computedAt: z.string(),
  confidence: z.number(),
  raters: z.array(RaterQuality),
  /** what the statistics rest on: gold items and excluded raters left out */
  included: z.object({ raters: z.number().int(), answers: z.number().int(), items: z.number().int() }),
  agreement: z.array(DimensionAgreement),
  pairwise: z
    .object({
      versions: z.array(VersionPreference),
      tieParameter: z.number().nullable(),
      comparisons: z.number().int(),
      /** share of non-tie answers choosing the left side: 0.5 without position bias */
      leftShare: StudyEstimate,
    })
    .optional(),
  likert: z.array(z.object({ dimension: z.string(), versions: z.array(LikertVersionMean), tests: z.array(VersionTest) })).optional(),
  binary: z
    .array(z.object({ dimension: z.string(), versions: z.array(z.object({ modelVersion: z.string(), yesRate: StudyEstimate })) }))
    .optional(),
  calibration: z.array(ScoreCalibration),
  warnings: z.array(z.string()),
});
export type StudyAnalysis = z.infer<typeof StudyAnalysis>;

/** `POST /v1/studies/:id/imports/label-studio`: what the import changed. */
export const LabelStudioImportResult = z.object({
  /** answers new to the study */
  added: z.number().int(),
  /** answers that replaced an earlier import of the same item and rater */
  replaced: z.number().int(),
  raters: z.number().int(),
  /** tasks or annotations left out, and why (cancelled, unknown item, a later duplicate in the file) */
  skipped: z.array(z.object({ taskId: z.unknown(), reason: z.string() })),
});
export type LabelStudioImportResult = z.infer<typeof LabelStudioImportResult>;
