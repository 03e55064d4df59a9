import { z } from 'zod';
import { ScoreDirection } from './metric-catalog.js';
import { RunCounts, RunStatus } from './run.js';

export const ScoreStats = z.object({
  count: z.number().int(),
  mean: z.number(),
  /** population standard deviation */
  std: z.number(),
  min: z.number(),
  max: z.number(),
  /** quantiles from a DDSketch with 1% relative accuracy */
  p5: z.number(),
  p50: z.number(),
  p95: z.number(),
  /** from the metric catalog: which way is better (`none`: descriptive, or a score the catalog does not know) */
  direction: ScoreDirection.optional(),
  unit: z.string().optional(),
  /** the metric version that produced these values; null when assets were scored by several (see `metricVersions`) */
  metricVersion: z.string().nullable().optional(),
});
export type ScoreStats = z.infer<typeof ScoreStats>;

export const PassRate = z.object({
  passed: z.number().int(),
  failed: z.number().int(),
  /** passed / (passed + failed); null before any asset was checked */
  rate: z.number().nullable(),
});
export type PassRate = z.infer<typeof PassRate>;

/** Completed assets whose pHash is within `maxDistance` bits of another's (multi-index hashing in the aggregator). */
export const NearDuplicates = z.object({
  fingerprint: z.literal('perceptual_hash.phash'),
  /** largest Hamming distance (of 64 bits) that counts as a near-duplicate; fixed per run */
  maxDistance: z.number().int(),
  /** unordered pairs of assets within maxDistance */
  pairs: z.number().int(),
  /** assets with at least one near-duplicate, each counted once */
  assets: z.number().int(),
  /** completed assets with the fingerprint */
  hashed: z.number().int(),
  /** assets / hashed; null when no asset has the fingerprint */
  rate: z.number().nullable(),
  /** results whose candidate look-up hit the per-result cap: pairs and assets may then be undercounted */
  truncated: z.number().int(),
});
export type NearDuplicates = z.infer<typeof NearDuplicates>;

export const RunSummary = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  name: z.string(),
  modelVersion: z.string(),
  suite: z.string(),
  labels: z.record(z.string(), z.string()),
  status: RunStatus,
  /** true once the run is closed and every accepted asset has finished */
  final: z.boolean(),
  generatedAt: z.string(),
  counts: RunCounts,
  failures: z.record(z.string(), z.number().int()),
  /** statistics of the measured values; censored ones (see `censored`) are left out */
  scores: z.record(z.string(), ScoreStats),
  /** per score: values at a measurement floor (`below`) or cap (`above`), left out of `scores` */
  censored: z.record(z.string(), z.object({ below: z.number().int(), above: z.number().int() })).default({}),
  /** suite thresholds: assets that met all of them, and each thresholded score on its own (skips excluded) */
  /** per metric: how many assets each version of it scored (one version, unless workers were upgraded mid-run) */
  metricVersions: z.record(z.string(), z.record(z.string(), z.number().int())).default({}),
  passRates: z.object({ assets: PassRate, scores: z.record(z.string(), PassRate.extend({ skipped: z.number().int() })) }),
  nearDuplicates: NearDuplicates,
  resultsUri: z.string(),
  summaryUri: z.string(),
});
export type RunSummary = z.infer<typeof RunSummary>;
