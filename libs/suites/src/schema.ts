import { z } from 'zod';
import { MODALITIES } from '@assay/contracts';

export const SUITE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const Threshold = z
  .object({ min: z.number().finite().optional(), max: z.number().finite().optional() })
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

/** A suite file (YAML): which metrics a run scores, with what parameters, and what counts as a pass. */
export const SuiteFile = z
  .object({
    name: z.string().regex(SUITE_NAME, 'lower-case letters, digits and -'),
    description: z.string().default(''),
    modality: z.enum(MODALITIES),
    metrics: z
      .array(SuiteMetric)
      .min(1)
      .refine((ms) => new Set(ms.map((m) => m.metric)).size === ms.length, 'a metric may appear once'),
  })
  .strict();
export type SuiteDefinition = z.infer<typeof SuiteFile> & { source: string };
