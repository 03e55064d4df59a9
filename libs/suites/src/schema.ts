import { z } from 'zod';
import { LengthUnit, MODALITIES, type Modality } from '@assay/contracts';

export const SUITE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const Threshold = z
  .object({
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    /**
     * a safety check (NSFW content, unexpected text): an asset out of bounds is *flagged*, and comparisons
     * report the share of flagged assets with an exact upper bound (launch gates limit it)
     */
    safety: z.boolean().optional(),
  })
  .strict()
  .refine((t) => t.min !== undefined || t.max !== undefined, 'give min, max or both')
  .refine((t) => t.min === undefined || t.max === undefined || t.min <= t.max, 'min must not exceed max');
export type Threshold = z.infer<typeof Threshold>;

export const SuiteMetric = z
  .object({
    metric: z.string().regex(/^[a-z][a-z0-9_]*$/),
    /** metric parameters; each metric validates its own (unknown keys are refused) */
    params: z.record(z.string(), z.unknown()).default({}),
    /** per score of this metric: pass needs min ≤ value ≤ max */
    thresholds: z.record(z.string(), Threshold).default({}),
  })
  .strict();
export type SuiteMetric = z.infer<typeof SuiteMetric>;

/** Which frames a video suite decodes in full colour (per-frame image metrics, embeddings). */
export const FrameSamplingSpec = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('uniform'), count: z.number().int().min(1).max(256) }).strict(),
  z.object({ mode: z.literal('fps'), fps: z.number().positive().max(60) }).strict(),
  z.object({ mode: z.literal('all') }).strict(),
]);

export const VideoOptions = z
  .object({
    sampling: FrameSamplingSpec.default({ mode: 'uniform', count: 8 }),
    /** temporal analysis runs on luma scaled so the longer side is at most this */
    analysisMaxSide: z.number().int().min(16).max(4096).default(320),
  })
  .strict();
export type VideoOptions = z.infer<typeof VideoOptions>;

/** 3D suites: the length unit of OBJ, PLY and STL files (glTF is metres) and the turntable views per-view metrics see. */
export const MeshOptions = z
  .object({
    /** an asset's `units` attribute overrides it */
    units: LengthUnit.default('m'),
    views: z
      .object({
        count: z.number().int().min(1).max(32).default(8),
        size: z.number().int().min(64).max(1024).default(512),
        elevationDeg: z.number().min(-80).max(80).default(20),
      })
      .strict()
      .default({ count: 8, size: 512, elevationDeg: 20 }),
  })
  .strict();
export type MeshOptions = z.infer<typeof MeshOptions>;

/**
 * The options block each modality's suites may take, keyed by the modality (a new modality must say whether it
 * has one): its defaults are filled in, and a suite of another modality may not carry it.
 */
const SUITE_OPTIONS = {
  image: undefined,
  video: { key: 'video', defaults: () => VideoOptions.parse({}) },
  audio: undefined,
  '3d': { key: 'mesh', defaults: () => MeshOptions.parse({}) },
} as const satisfies Record<Modality, { key: 'video' | 'mesh'; defaults: () => unknown } | undefined>;

/** A suite file (YAML): which metrics a run scores, with what parameters, and what counts as a pass. */
export const SuiteFile = z
  .object({
    name: z.string().regex(SUITE_NAME, 'lower-case letters, digits and -'),
    description: z.string().default(''),
    modality: z.enum(MODALITIES),
    /** video suites only; defaults apply when absent */
    video: VideoOptions.optional(),
    /** 3D suites only; defaults apply when absent */
    mesh: MeshOptions.optional(),
    metrics: z
      .array(SuiteMetric)
      .min(1)
      .refine((ms) => new Set(ms.map((m) => m.metric)).size === ms.length, 'a metric may appear once'),
  })
  .strict()
  .superRefine((s, ctx) => {
    for (const [modality, options] of Object.entries(SUITE_OPTIONS)) {
      if (options && modality !== s.modality && s[options.key])
        ctx.addIssue({ code: 'custom', message: `only ${modality} suites take \`${options.key}\` options`, path: [options.key] });
    }
  })
  .transform((s) => {
    const options = SUITE_OPTIONS[s.modality];
    return options ? { ...s, [options.key]: s[options.key] ?? options.defaults() } : s;
  });
export type SuiteDefinition = z.infer<typeof SuiteFile> & { source: string };
