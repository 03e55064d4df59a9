import { z } from 'zod';

/** The feature extractor an embedding set comes from: distances are only defined within one. */
export const EmbeddingModelInfo = z.object({
  id: z.string(),
  version: z.string(),
  sha256: z.string().optional(),
  /** the manifest's `features` name, e.g. MobileNetV2 (labels the metrics) */
  features: z.string().optional(),
  dims: z.number().int(),
});
export type EmbeddingModelInfo = z.infer<typeof EmbeddingModelInfo>;

/** What the distribution metrics are called for one feature extractor: FID/KID only on Inception-v3 pool3. */
export const DistributionLabels = z.object({ frechet: z.string(), kid: z.string(), cmmd: z.string() });
export type DistributionLabels = z.infer<typeof DistributionLabels>;

/** One run's embeddings by one extractor. */
export const EmbeddingSetSummary = z.object({
  model: EmbeddingModelInfo,
  labels: DistributionLabels,
  /** embeddings folded into the moments */
  n: z.number().int(),
  /** embeddings in the bounded sample KID, CMMD and PRDC use */
  sampled: z.number().int(),
  /** records that listed an embedding of this model whose object could not be read */
  missing: z.number().int(),
  /** tr Σ: the spread of the set (a collapse towards one look shows as a drop) */
  totalVariance: z.number().nullable(),
});
export type EmbeddingSetSummary = z.infer<typeof EmbeddingSetSummary>;

/** A generated embedding set measured against a reference set of the same extractor. */
export const SetDistances = z.object({
  model: EmbeddingModelInfo,
  labels: DistributionLabels,
  frechet: z.object({ value: z.number(), meanTerm: z.number(), traceSqrt: z.number(), n: z.tuple([z.number().int(), z.number().int()]) }),
  kid: z.object({ mean: z.number(), std: z.number(), subsets: z.number().int(), subsetSize: z.number().int() }),
  cmmd: z.number(),
  prdc: z.object({ precision: z.number(), recall: z.number(), density: z.number(), coverage: z.number(), k: z.number().int() }),
  /** sample sizes KID, CMMD and PRDC used: [reference, generated] */
  sampled: z.tuple([z.number().int(), z.number().int()]),
});
export type SetDistances = z.infer<typeof SetDistances>;

export function distributionLabels(model: Pick<EmbeddingModelInfo, 'id' | 'features'>): DistributionLabels {
  const f = model.features ?? model.id;
  if (f === 'InceptionV3') return { frechet: 'FID', kid: 'KID', cmmd: `CMMD_${f}` };
  return { frechet: `FD_${f}`, kid: `KID_${f}`, cmmd: /^CLIP/i.test(f) ? 'CMMD' : `CMMD_${f}` };
}
