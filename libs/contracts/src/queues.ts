import type { Modality } from './modalities.js';
import type {
  CloseRunPayload,
  CompareRunsPayload,
  ComputeRunMetricsPayload,
  ImportEventsPayload,
  ScoreAssetPayload,
} from './schemas/job.js';
import type { AdvanceSweepPayload, SweepTickPayload } from './schemas/sweep.js';
import type { ResultRecord } from './schemas/result.js';

/** One BullMQ queue per modality, the aggregator's queue, its analysis queue (work after runs close) and its sweeps queue. */
export const QueueName = {
  Image: 'image',
  Video: 'video',
  Audio: 'audio',
  ThreeD: '3d',
  Aggregate: 'aggregate',
  Analysis: 'analysis',
  Sweeps: 'sweeps',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const SCORING_QUEUE_BY_MODALITY: Record<Modality, QueueName> = {
  image: QueueName.Image,
  video: QueueName.Video,
  audio: QueueName.Audio,
  '3d': QueueName.ThreeD,
};

/** Job names, each handled by exactly one handler (checked when a worker starts). */
export const JobName = {
  ScoreAsset: 'score-asset',
  RecordResult: 'record-result',
  CloseRun: 'close-run',
  /** the run-level metrics of a closed run */
  ComputeRunMetrics: 'compute-run-metrics',
  /** a comparison of two closed runs and its verdict */
  CompareRuns: 'compare-runs',
  /** the signed POST of a comparison's verdict to COMPARISON_WEBHOOK_URL */
  DeliverVerdict: 'deliver-verdict',
  /** a sweep's schedule fired (added by its BullMQ job scheduler): starts the sweep run of that date once */
  SweepTick: 'sweep-tick',
  /** one step of a sweep run's state machine; it re-schedules itself (delayed) while it waits */
  AdvanceSweep: 'advance-sweep',
  /** an experiment's events imported from S3 (NDJSON or Parquet) */
  ImportEvents: 'import-events',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Which job names travel on which queue. */
export const JOBS_BY_QUEUE: Record<QueueName, readonly JobName[]> = {
  image: [JobName.ScoreAsset],
  video: [JobName.ScoreAsset],
  audio: [JobName.ScoreAsset],
  '3d': [JobName.ScoreAsset],
  aggregate: [JobName.RecordResult, JobName.CloseRun],
  analysis: [JobName.ComputeRunMetrics, JobName.CompareRuns, JobName.DeliverVerdict, JobName.ImportEvents],
  sweeps: [JobName.SweepTick, JobName.AdvanceSweep],
};

/**
 * BullMQ key prefix for a queue. The queue name sits in a hash tag so all keys of one queue map to one
 * Redis Cluster slot (BullMQ's Lua scripts touch several keys at once), while different queues spread out.
 * Keys look like `assay:{image}:image:wait`.
 */
export function queuePrefix(basePrefix: string, queue: QueueName): string {
  return `${basePrefix}:{${queue}}`;
}

/** Retry and retention policy shared by every producer, so a job's fate does not depend on who added it. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: { count: 10_000, age: 24 * 3600 },
  removeOnFail: { count: 50_000, age: 14 * 24 * 3600 },
};

/** The payload type of every job name: producers and handlers are typed by it. */
export interface JobPayloadMap {
  'score-asset': ScoreAssetPayload;
  'record-result': ResultRecord;
  'close-run': CloseRunPayload;
  'compute-run-metrics': ComputeRunMetricsPayload;
  'compare-runs': CompareRunsPayload;
  'deliver-verdict': CompareRunsPayload;
  'sweep-tick': SweepTickPayload;
  'advance-sweep': AdvanceSweepPayload;
  'import-events': ImportEventsPayload;
}
