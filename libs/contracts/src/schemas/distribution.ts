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

/** A reference-set name: a path segment in S3 keys and URLs. */
export const ReferenceSetName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, . _ - (at most 63)');

/** `POST /v1/reference-sets`: keep a closed run's embedding statistics under a name, to measure runs against. */
export const CreateReferenceSetRequest = z
  .object({
    name: ReferenceSetName,
    /** a closed run whose run-level metrics are done */
    runId: z.string().min(1),
    description: z.string().max(2000).optional(),
  })
  .strict();
export type CreateReferenceSetRequest = z.infer<typeof CreateReferenceSetRequest>;

/** A reference set as stored (`reference-sets/<name>/reference-set.json`); immutable once written. */
export const ReferenceSet = z.object({
  schemaVersion: z.literal(1),
  name: ReferenceSetName,
  description: z.string().optional(),
  runId: z.string(),
  modelVersion: z.string(),
  createdAt: z.string(),
  /** one per feature extractor the run stored embeddings of */
  sets: z.array(EmbeddingSetSummary),
});
export type ReferenceSet = z.infer<typeof ReferenceSet>;

/** `GET /v1/runs/:runId/distribution[?reference=<name>]`. */
export const RunDistributionView = z.object({
  runId: z.string(),
  /** the run's embedding sets (from its run-level metrics) */
  sets: z.array(EmbeddingSetSummary),
  /** with `?reference=`: the run measured against that reference set, per shared feature extractor */
  reference: z.object({ name: z.string(), seed: z.number().int(), distances: z.array(SetDistances) }).optional(),
});
export type RunDistributionView = z.infer<typeof RunDistributionView>;

/** A model version's rolling embedding statistics measured against one reference set (`assay_distribution_frechet`). */
export const RollingFrechet = z.object({
  modelVersion: z.string(),
  /** `<model>@<version>` of the feature extractor */
  embeddingModel: z.string(),
  label: z.string(),
  referenceSet: z.string(),
  value: z.number(),
  /** embeddings in the rolling statistics, and the closed runs they come from */
  n: z.number().int(),
  runs: z.number().int(),
});
export type RollingFrechet = z.infer<typeof RollingFrechet>;
