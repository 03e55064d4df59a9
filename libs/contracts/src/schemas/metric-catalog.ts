import { z } from 'zod';
import { MODALITIES } from '../modalities.js';

/** Which way is better: `none` for descriptive numbers (a width, a loudness) that have no better side. */
export const ScoreDirection = z.enum(['higher', 'lower', 'none']);
export type ScoreDirection = z.infer<typeof ScoreDirection>;

/** One number a metric reports. */
export const ScoreSpec = z.object({
  key: z.string(),
  description: z.string(),
  /** [min, max]; null for unbounded on that side */
  range: z.tuple([z.number().nullable(), z.number().nullable()]),
  direction: ScoreDirection,
  unit: z.string().optional(),
});
export type ScoreSpec = z.infer<typeof ScoreSpec>;

/**
 * The static part of a per-asset metric, readable without loading its implementation (pyiqa keeps this
 * apart from the models too): what it measures, its scores with range, direction and unit, and what it needs.
 */
export const MetricCatalogEntry = z.object({
  name: z.string(),
  /** bumped whenever the numbers it produces could change */
  version: z.string(),
  modality: z.enum(MODALITIES),
  description: z.string(),
  scores: z.array(ScoreSpec),
  /** keys of the string identifiers it reports beside its scores (`<metric>.<key>`), e.g. a perceptual hash */
  fingerprints: z.array(z.string()),
  needs: z.object({
    prompt: z.boolean(),
    reference: z.boolean(),
    /** ONNX models (ids in the model catalog), fixed ones; parameters may choose others */
    models: z.array(z.string()),
    /** parameter files, relative to the model directory */
    files: z.array(z.string()),
    /** video: reads full-colour sampled frames */
    samples: z.boolean(),
  }),
  cost: z.enum(['cpu', 'model', 'gpu']),
  /** JSON Schema of the parameters a suite may give it (defaults included); absent when it takes none */
  params: z.record(z.string(), z.unknown()).optional(),
});
export type MetricCatalogEntry = z.infer<typeof MetricCatalogEntry>;

export const MetricCatalogData = z.object({
  schemaVersion: z.literal(1),
  /**
   * Image metrics in video suites run on each sampled frame and report statistics over the frames as
   * `<metric>.<score>.<stat>`: these stats, by the score's direction (the mean and the worst-frame ones).
   */
  frameStats: z.object({ higher: z.array(z.string()), lower: z.array(z.string()), none: z.array(z.string()) }),
  metrics: z.array(MetricCatalogEntry),
});
export type MetricCatalogData = z.infer<typeof MetricCatalogData>;

/** `GET /v1/metrics` query: the catalog, or one modality's metrics. */
export const ListMetricsQuery = z.object({ modality: z.enum(MODALITIES).describe('only metrics of this modality').optional() }).strict();
export type ListMetricsQuery = z.infer<typeof ListMetricsQuery>;

/** `GET /v1/metrics`: metrics with their scores' direction, range and unit, and the frame statistics rule. */
export const MetricCatalogView = MetricCatalogData.omit({ schemaVersion: true });
export type MetricCatalogView = z.infer<typeof MetricCatalogView>;
