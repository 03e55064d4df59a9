import { z } from 'zod';
import { ENABLED_MODALITIES, type Modality } from '@assay/contracts';

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def);
const csv = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

export const EXECUTION_PROVIDERS = ['cpu', 'cuda'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

/** Every environment variable Assay reads. The README's configuration table mirrors this schema. */
export const EnvSchema = z.object({
  PORT: int(8080, 1, 65535),
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  ASSAY_REDIS_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, _ . - only')
    .default('assay'),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
    .default('assay'),
  S3_ALLOWED_BUCKETS: csv,
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  ASSAY_API_KEYS: csv,
  ASSAY_HOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  ASSAY_HOOK_TOLERANCE_SECONDS: int(300, 1, 3600),
  ASSAY_DATA_DIR: z.string().default('./data'),
  MODEL_DIR: z.string().optional(),
  MODELS_URI: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*$/, 'must look like s3://bucket/prefix/')
    .optional(),
  SUITES_DIR: z.string().optional(),
  SUITES_URI: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*$/, 'must look like s3://bucket/prefix/')
    .optional(),
  POLICIES_DIR: z.string().optional(),
  POLICIES_URI: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*$/, 'must look like s3://bucket/prefix/')
    .optional(),
  SWEEPS_DIR: z.string().optional(),
  SWEEPS_URI: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*$/, 'must look like s3://bucket/prefix/')
    .optional(),
  // how often a sweep run that waits (for results, the run's close, the comparison) looks again
  SWEEP_POLL_INTERVAL_MS: int(30_000, 100, 3_600_000),
  ORT_EXECUTION_PROVIDERS: csv.pipe(z.array(z.enum(EXECUTION_PROVIDERS))),
  ORT_INTRA_OP_THREADS: int(0, 0, 256),
  WORKER_CONCURRENCY: int(2, 1, 256),
  // the scoring queues this worker consumes (separate pools per modality); unset: every enabled modality
  WORKER_MODALITIES: csv
    .pipe(z.array(z.enum(ENABLED_MODALITIES as [Modality, ...Modality[]])))
    .transform((list) => (list.length ? [...new Set(list)] : [...ENABLED_MODALITIES])),
  WORKER_LOCK_DURATION_MS: int(30_000, 1_000),
  WORKER_STALLED_INTERVAL_MS: int(30_000, 1_000),
  WORKER_SHUTDOWN_GRACE_MS: int(25_000, 0),
  MAX_UPLOAD_BYTES: int(50 * 1024 * 1024, 1),
  MAX_JSON_BYTES: int(5 * 1024 * 1024, 1024),
  MAX_IMAGE_PIXELS: int(8192 * 8192, 1),
  MAX_MEDIA_DURATION_SECONDS: int(600, 1, 24 * 3600),
  MAX_VIDEO_PIXELS: int(3840 * 2160, 1),
  // 10 minutes at 60 fps; per-frame statistics cost ~1.1 KB each
  MAX_VIDEO_FRAMES: int(36_000, 1, 10_000_000),
  MEDIA_TIMEOUT_MS: int(120_000, 100),
  MAX_SAMPLED_FRAMES: int(64, 1, 4096),
  // 3D assets: counted from headers and accessors before parsing; parsing runs in a thread killed at the timeout
  MAX_MESH_VERTICES: int(5_000_000, 3),
  MAX_MESH_TRIANGLES: int(5_000_000, 1),
  MAX_TEXTURE_PIXELS: int(16384 * 16384, 1),
  MESH_PARSE_TIMEOUT_MS: int(60_000, 100),
  BUNDLE_MAX_ENTRIES: int(512, 1, 100_000),
  BUNDLE_MAX_UNCOMPRESSED_BYTES: int(512 * 1024 * 1024, 1),
  BUNDLE_MAX_COMPRESSION_RATIO: int(100, 1),
  /** Chromium for the rendered views of 3D assets; unset: /usr/bin/chromium */
  CHROMIUM_PATH: z.string().min(1).optional(),
  RENDER_TIMEOUT_MS: int(60_000, 1_000),
  FFMPEG_PATH: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).optional(),
  SUMMARY_INTERVAL_MS: int(5_000, 100),
  AGGREGATOR_CONCURRENCY: int(8, 1, 256),
  RESULTS_PART_MAX_RECORDS: int(1_000, 1, 100_000),
  // comparisons and run-level metrics: each runs in its own thread of the aggregator
  ANALYSIS_CONCURRENCY: int(1, 1, 64),
  // a signed POST of each comparison's verdict; only to hosts listed in COMPARISON_WEBHOOK_ALLOWED_HOSTS
  COMPARISON_WEBHOOK_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'an http(s) URL')
    .optional(),
  COMPARISON_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  COMPARISON_WEBHOOK_ALLOWED_HOSTS: csv,
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  // an OpenAI-compatible chat-completions endpoint (vLLM, TGI, Ollama) for the vlm_judge metric; unset: no judge
  VLM_JUDGE_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'an http(s) URL')
    .optional(),
  VLM_JUDGE_MODEL: z.string().min(1).optional(),
  VLM_JUDGE_API_KEY: z.string().min(1).optional(),
  VLM_JUDGE_TIMEOUT_MS: int(30_000, 100, 600_000),
  VLM_JUDGE_RETRIES: int(3, 0, 10),
  VLM_JUDGE_MAX_RPS: z.coerce.number().positive().max(10_000).default(5),
  VLM_JUDGE_MAX_CONCURRENCY: int(4, 1, 1024),
});
export type Env = z.infer<typeof EnvSchema>;
