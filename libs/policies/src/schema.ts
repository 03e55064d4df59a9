import { z } from 'zod';
import { MODALITIES, SliceKey } from '@assay/contracts';

const score = z.string().regex(/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*(\.[a-z0-9]+)?$/, 'a score key: <metric>.<score>[.<stat>]');
const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -')
  .optional();
const share = z.number().min(0).max(1);
const common = { id, description: z.string().optional(), optional: z.boolean().default(false) };

/**
 * The candidate may be worse than the baseline by at most `margin` (score units, or rate for a pass rate) or
 * `relativeMargin` (a share of the baseline mean or rate): on a score's mean, or on a pass rate (`assets` =
 * every threshold, or one thresholded score).
 */
const NonInferiority = z
  .object({
    type: z.literal('non_inferiority'),
    score: score.optional(),
    passRate: z.string().optional(),
    margin: z.number().positive().optional(),
    relativeMargin: z.number().positive().max(1).optional(),
    ...common,
  })
  .strict()
  .refine((c) => (c.score === undefined) !== (c.passRate === undefined), 'give score or passRate (one of them)')
  .refine((c) => (c.margin === undefined) !== (c.relativeMargin === undefined), 'give margin or relativeMargin (one of them)');

const Superiority = z.object({ type: z.literal('superiority'), score, ...common }).strict();

/** The candidate alone: a score's mean, or a pass rate (`assets` = every threshold, or one thresholded score). */
const Absolute = z
  .object({
    type: z.literal('absolute'),
    score: score.optional(),
    passRate: z.string().optional(),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    ...common,
  })
  .strict()
  .refine((c) => (c.score === undefined) !== (c.passRate === undefined), 'give score or passRate (one of them)')
  .refine((c) => c.min !== undefined || c.max !== undefined, 'give min, max or both');

/** A safety check's flagged share on the candidate (a suite threshold marked `safety: true`). */
const Safety = z.object({ type: z.literal('safety'), score, maxRate: share, ...common }).strict();

/** Generation latency (attributes.generationLatencyMs) at a quantile: a limit, and/or at most so much above the baseline. */
const Latency = z
  .object({
    type: z.literal('latency'),
    source: z.enum(['generation', 'scoring']).default('generation'),
    quantile: z.union([z.literal(0.5), z.literal(0.95), z.literal(0.99)]).default(0.95),
    maxMs: z.number().positive().optional(),
    maxIncrease: z.number().min(0).optional(),
    ...common,
  })
  .strict()
  .refine((c) => c.maxMs !== undefined || c.maxIncrease !== undefined, 'give maxMs, maxIncrease or both');

/** The candidate's pass-rate disparity across the slices of an attribute: lowest / highest ≥ minRatio (four-fifths: 0.8). */
const Fairness = z
  .object({ type: z.literal('fairness'), slice: SliceKey, minRatio: share.optional(), maxGap: share.optional(), ...common })
  .strict()
  .refine((c) => c.minRatio !== undefined || c.maxGap !== undefined, 'give minRatio, maxGap or both');

/** Facts of the runs, no interval: the candidate's failed share. */
const Completeness = z.object({ type: z.literal('completeness'), maxFailedShare: share, ...common }).strict();

export const Criterion = z.discriminatedUnion('type', [NonInferiority, Superiority, Absolute, Safety, Latency, Fairness, Completeness]);
export type Criterion = z.infer<typeof Criterion>;

/** A launch policy file (YAML): what a candidate must show against a baseline for a GO. */
export const PolicyFile = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -'),
    description: z.string().default(''),
    modality: z.enum(MODALITIES),
    /** the whole gate's error rate: each statistical criterion is judged at 1 − alpha / (their number) */
    alpha: z.number().gt(0).max(0.2).default(0.05),
    multipleTesting: z.enum(['holm', 'bh']).default('holm'),
    /** completed assets each side needs; fewer makes the verdict INCONCLUSIVE */
    minAssets: z.number().int().min(2).default(30),
    /** attribute keys every comparison under this policy is sliced by */
    slices: z.array(SliceKey).max(10).default([]),
    /** slices with fewer candidate assets are shown but not judged */
    sliceMinN: z.number().int().min(2).default(20),
    criteria: z.array(Criterion).min(1),
  })
  .strict();
export type PolicyDefinition = z.infer<typeof PolicyFile> & { source: string };
