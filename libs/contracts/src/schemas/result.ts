import { z } from 'zod';
import { MODALITIES } from '../modalities.js';
import { FailureReason } from './common.js';
import { MediaDecodeInfo } from './media.js';
import { MeshDecodeInfo } from './mesh.js';

export const ModelProvenance = z.object({
  id: z.string(),
  version: z.string(),
  sha256: z.string(),
  /** the execution provider the session really runs on, not the one asked for */
  provider: z.string(),
});
export type ModelProvenance = z.infer<typeof ModelProvenance>;

export const MetricOutcome = z.object({
  metric: z.string(),
  version: z.string(),
  status: z.enum(['ok', 'not_applicable', 'error']),
  durationMs: z.number(),
  reason: FailureReason.optional(),
  model: ModelProvenance.optional(),
  /** structured extras, e.g. detected text boxes */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type MetricOutcome = z.infer<typeof MetricOutcome>;

export const DecodeInfo = z.object({
  decoder: z.string(),
  format: z.string(),
  bytes: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  sourceChannels: z.number().int(),
  sourceColourSpace: z.string(),
  sourceBitDepth: z.string(),
  hasAlpha: z.boolean(),
  /** what happened to alpha: `none` or `flattened:#rrggbb` */
  alpha: z.string(),
  pages: z.number().int(),
  /** animated inputs are scored on their first frame */
  scoredPage: z.number().int(),
  autoOriented: z.boolean(),
  pixelLimit: z.number().int(),
  byteLimit: z.number().int(),
  /** the embedded colour profile and what was done with it: every metric reads sRGB */
  colourProfile: z
    .object({
      /** the embedded ICC profile's description; absent when there is none (or it has no description) */
      embedded: z.string().optional(),
      /**
       * `assumed_srgb`: no profile, the pixels are taken as sRGB; `srgb`: an sRGB profile, nothing changes;
       * `converted_to_srgb`: converted from the embedded profile to sRGB (LittleCMS, what a viewer shows);
       * `unsupported`: a profile that is malformed or not for the image's colour space, ignored like libvips does
       */
      handling: z.enum(['assumed_srgb', 'srgb', 'converted_to_srgb', 'unsupported']),
    })
    .optional(),
});
export type DecodeInfo = z.infer<typeof DecodeInfo>;

export const Timings = z.object({
  queueMs: z.number(),
  fetchMs: z.number(),
  decodeMs: z.number(),
  metricsMs: z.number(),
  inferenceMs: z.number(),
  totalMs: z.number(),
});
export type Timings = z.infer<typeof Timings>;

/** A suite threshold an asset did not meet. */
export const ThresholdFailure = z.object({
  score: z.string(),
  value: z.number(),
  min: z.number().optional(),
  max: z.number().optional(),
});
export type ThresholdFailure = z.infer<typeof ThresholdFailure>;

/** Which side of a floor or cap a censored score's true value lies on. */
export const Censoring = z.enum(['below', 'above']);
export type Censoring = z.infer<typeof Censoring>;

/** The suite's thresholds applied to one asset: pass when no threshold failed. */
export const Checks = z.object({
  pass: z.boolean(),
  /** thresholded scores within bounds */
  passed: z.array(z.string()),
  failures: z.array(ThresholdFailure),
  /** thresholded scores the asset has no value for (metric not applicable): neither pass nor fail */
  skipped: z.array(z.string()),
  /** the thresholds that are safety checks (suite `safety: true`): among `failures` they flag the asset */
  safety: z.array(z.string()).optional(),
});
export type Checks = z.infer<typeof Checks>;

/** One record per asset, produced by a worker, consumed by the aggregator and analysts (NDJSON on S3). */
export const ResultRecord = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  /** the run's name and labels, so records read on their own (Parquet, NDJSON) say which run they belong to */
  runName: z.string().optional(),
  runLabels: z.record(z.string(), z.string()).optional(),
  assetId: z.string(),
  jobId: z.string(),
  modality: z.enum(MODALITIES),
  suite: z.string(),
  modelVersion: z.string(),
  status: z.enum(['completed', 'failed']),
  failure: FailureReason.optional(),
  /** flattened `metric.score` → finite value; never NaN */
  scores: z.record(z.string(), z.number().finite()),
  /**
   * scores whose value is a measurement floor or cap, not a measurement (the loudness of digital silence, a
   * WADA-SNR past its table, PSNR of identical images): the true value is at or `below` the floor, at or
   * `above` the cap. Thresholds see the value; run statistics leave it out and count it (summary `censored`).
   */
  censored: z.record(z.string(), Censoring).optional(),
  /** `metric.key` → fingerprint, e.g. `perceptual_hash.phash` (16 hex digits); not a score */
  fingerprints: z.record(z.string(), z.string()).optional(),
  metrics: z.array(MetricOutcome),
  /** image embeddings computed while scoring, stored as float32 little-endian objects */
  embeddings: z
    .array(
      z.object({
        model: z.string(),
        version: z.string(),
        dims: z.number().int(),
        uri: z.string(),
        /** the model file's sha256: distances between embeddings of different files are refused */
        sha256: z.string().optional(),
        /** the feature extractor's name (manifest `features`), e.g. MobileNetV2 */
        features: z.string().optional(),
      }),
    )
    .optional(),
  /** present when the suite has thresholds */
  checks: Checks.optional(),
  /** images */
  decode: DecodeInfo.optional(),
  /** video and audio */
  media: MediaDecodeInfo.optional(),
  /** 3D assets */
  mesh: MeshDecodeInfo.optional(),
  referenceUri: z.string().optional(),
  sourceUri: z.string(),
  prompt: z.string().optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  timings: Timings.optional(),
  attempt: z.number().int(),
  /** which process produced the record */
  worker: z.object({ host: z.string(), pid: z.number().int(), version: z.string(), executionProviders: z.array(z.string()) }),
  finishedAt: z.string(),
});
export type ResultRecord = z.infer<typeof ResultRecord>;

/** The fields that place a record (run, asset, job, who produced it), whether the asset was scored or failed. */
export type RecordOrigin = Omit<ResultRecord, 'status' | 'failure' | 'scores' | 'metrics' | 'finishedAt' | 'schemaVersion'>;

/** The record of an asset that failed for good: no scores, the reason, whoever decided it (worker or aggregator). */
export function failedRecord(origin: RecordOrigin, failure: FailureReason): ResultRecord {
  return { schemaVersion: 1, ...origin, status: 'failed', failure, scores: {}, metrics: [], finishedAt: new Date().toISOString() };
}
