import { resolve } from 'node:path';
import type { Modality } from '@assay/contracts';
import { EnvSchema, type ExecutionProvider } from './schema.js';

export interface AssayConfig {
  port: number;
  host: string;
  redis: { url: string; prefix: string };
  s3: {
    /** undefined: the embedded S3-compatible server is used (local mode) */
    endpoint?: string;
    region: string;
    bucket: string;
    /** buckets an `s3://` URI in a submission may point to; always includes `bucket` */
    allowedBuckets: string[];
    credentials?: { accessKeyId: string; secretAccessKey: string };
  };
  embedded: boolean;
  auth: { apiKeys: string[]; hookSecret?: string; hookToleranceSeconds: number };
  dataDir: string;
  /** MODEL_DIR as set (undefined when unset) */
  modelDir?: string;
  /**
   * where model manifests and files are looked for, first match wins: MODEL_DIR, then ASSAY_DATA_DIR/models
   * (where `npm start` and `npm run models` convert the NSFW classifier)
   */
  modelDirs: string[];
  /** models (manifests and files) from an S3 prefix, mirrored into ASSAY_DATA_DIR/model-cache */
  modelsUri?: { bucket: string; key: string };
  /** suite overrides: a folder and/or an S3 prefix of YAML files */
  suites: { dir?: string; uri?: { bucket: string; key: string } };
  /** launch-policy overrides, the same way */
  policies: { dir?: string; uri?: { bucket: string; key: string } };
  /** nightly sweeps: a folder and/or an S3 prefix of YAML files (none built in), and how often a waiting sweep looks again */
  sweeps: { dir?: string; uri?: { bucket: string; key: string }; pollIntervalMs: number };
  executionProviders: ExecutionProvider[];
  /** ONNX Runtime intra-op threads per session; 0: its default (one per core) */
  intraOpThreads: number;
  worker: {
    concurrency: number;
    /** the scoring queues (modalities) this worker consumes */
    modalities: Modality[];
    /** BullMQ job lock of every queue consumer (scoring workers and the aggregator) */
    lockDurationMs: number;
    /** how often every queue consumer looks for stalled jobs */
    stalledIntervalMs: number;
    shutdownGraceMs: number;
  };
  limits: {
    maxUploadBytes: number;
    maxJsonBytes: number;
    maxImagePixels: number;
    /** video and audio: refused from the probe before decoding, and stopped while decoding */
    maxMediaDurationSeconds: number;
    maxVideoPixels: number;
    /** decoded video frames (bounds the per-frame statistics a job holds) */
    maxVideoFrames: number;
    /** wall-clock limit of each ffprobe / ffmpeg process */
    mediaTimeoutMs: number;
    /** full-colour frames a video job holds at most (they are kept in memory for the per-frame metrics) */
    maxSampledFrames: number;
    /** 3D assets (bytes are maxUploadBytes) */
    mesh: {
      maxVertices: number;
      maxTriangles: number;
      maxTexturePixels: number;
      parseTimeoutMs: number;
      bundle: { maxEntries: number; maxUncompressedBytes: number; maxCompressionRatio: number };
    };
  };
  /** ffmpeg and ffprobe binaries; unset: found on the PATH */
  mediaTools: { ffmpeg?: string; ffprobe?: string };
  /** the headless browser that renders the views of 3D assets */
  render: { chromiumPath?: string; timeoutMs: number };
  /** jobs the aggregator applies at once (AGGREGATOR_CONCURRENCY): Lua-atomic, so more only pipelines Redis */
  aggregator: { summaryIntervalMs: number; partMaxRecords: number; concurrency: number };
  /** comparisons and run-level metrics the aggregator runs at once, each in a worker thread */
  analysis: { concurrency: number };
  /** where each comparison's verdict is POSTed, signed with `secret` (HMAC-SHA256 like inbound hooks) */
  comparisonWebhook?: { url: string; secret: string; allowedHosts: string[] };
  logLevel: string;
  /** the chat-completions endpoint behind the `vlm_judge` metric; undefined when VLM_JUDGE_URL is unset */
  vlmJudge?: VlmJudgeConfig;
}

export interface VlmJudgeConfig {
  /** a base URL (`/v1/chat/completions` is appended) or the full chat-completions URL */
  url: string;
  model: string;
  /** sent as `Authorization: Bearer …` */
  apiKey?: string;
  /** one attempt, response body included */
  timeoutMs: number;
  /** attempts after the first */
  retries: number;
  /** requests per second (token bucket), process-wide when one client is shared */
  maxRps: number;
  /** requests in flight */
  maxConcurrency: number;
}

function splitS3Uri(uri: string): { bucket: string; key: string } {
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validate the environment once, at start. Every problem is reported at once, by variable name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AssayConfig {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(raw[String(i.path[0])] ?? null)})`),
    );
  }
  const e = parsed.data;
  const issues: string[] = [];
  const embedded = e.S3_ENDPOINT === undefined;
  if (!embedded && e.ASSAY_API_KEYS.length === 0) {
    issues.push('ASSAY_API_KEYS: required when S3_ENDPOINT is set (only the embedded local mode generates a key)');
  }
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    issues.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither');
  }
  for (const key of e.ASSAY_API_KEYS) if (key.length < 16) issues.push('ASSAY_API_KEYS: every key needs at least 16 characters');
  if (e.VLM_JUDGE_URL && !e.VLM_JUDGE_MODEL)
    issues.push('VLM_JUDGE_MODEL: required when VLM_JUDGE_URL is set (the model name the server serves)');
  if (e.COMPARISON_WEBHOOK_URL) {
    const host = new URL(e.COMPARISON_WEBHOOK_URL).hostname;
    if (!e.COMPARISON_WEBHOOK_SECRET)
      issues.push('COMPARISON_WEBHOOK_SECRET: required when COMPARISON_WEBHOOK_URL is set (deliveries are signed)');
    if (!e.COMPARISON_WEBHOOK_ALLOWED_HOSTS.includes(host))
      issues.push(
        `COMPARISON_WEBHOOK_ALLOWED_HOSTS: must list ${host}, the host of COMPARISON_WEBHOOK_URL (verdicts go only to listed hosts)`,
      );
  }
  if (issues.length) throw new ConfigError(issues);

  const credentials =
    e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : undefined;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    redis: { url: e.REDIS_URL, prefix: e.ASSAY_REDIS_PREFIX },
    s3: {
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      bucket: e.S3_BUCKET,
      allowedBuckets: [...new Set([e.S3_BUCKET, ...e.S3_ALLOWED_BUCKETS])],
      credentials,
    },
    embedded,
    auth: { apiKeys: e.ASSAY_API_KEYS, hookSecret: e.ASSAY_HOOK_SECRET, hookToleranceSeconds: e.ASSAY_HOOK_TOLERANCE_SECONDS },
    dataDir: e.ASSAY_DATA_DIR,
    modelDir: e.MODEL_DIR,
    modelDirs: [...new Set([...(e.MODEL_DIR ? [resolve(e.MODEL_DIR)] : []), resolve(e.ASSAY_DATA_DIR, 'models')])],
    modelsUri: e.MODELS_URI ? splitS3Uri(e.MODELS_URI) : undefined,
    suites: { dir: e.SUITES_DIR, uri: e.SUITES_URI ? splitS3Uri(e.SUITES_URI) : undefined },
    policies: { dir: e.POLICIES_DIR, uri: e.POLICIES_URI ? splitS3Uri(e.POLICIES_URI) : undefined },
    sweeps: {
      dir: e.SWEEPS_DIR,
      uri: e.SWEEPS_URI ? splitS3Uri(e.SWEEPS_URI) : undefined,
      pollIntervalMs: e.SWEEP_POLL_INTERVAL_MS,
    },
    executionProviders: e.ORT_EXECUTION_PROVIDERS.length ? [...new Set(e.ORT_EXECUTION_PROVIDERS)] : (['cpu'] as ExecutionProvider[]),
    intraOpThreads: e.ORT_INTRA_OP_THREADS,
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      modalities: e.WORKER_MODALITIES,
      lockDurationMs: e.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
      shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_MS,
    },
    limits: {
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      maxJsonBytes: e.MAX_JSON_BYTES,
      maxImagePixels: e.MAX_IMAGE_PIXELS,
      maxMediaDurationSeconds: e.MAX_MEDIA_DURATION_SECONDS,
      maxVideoPixels: e.MAX_VIDEO_PIXELS,
      maxVideoFrames: e.MAX_VIDEO_FRAMES,
      mediaTimeoutMs: e.MEDIA_TIMEOUT_MS,
      maxSampledFrames: e.MAX_SAMPLED_FRAMES,
      mesh: {
        maxVertices: e.MAX_MESH_VERTICES,
        maxTriangles: e.MAX_MESH_TRIANGLES,
        maxTexturePixels: e.MAX_TEXTURE_PIXELS,
        parseTimeoutMs: e.MESH_PARSE_TIMEOUT_MS,
        bundle: {
          maxEntries: e.BUNDLE_MAX_ENTRIES,
          maxUncompressedBytes: e.BUNDLE_MAX_UNCOMPRESSED_BYTES,
          maxCompressionRatio: e.BUNDLE_MAX_COMPRESSION_RATIO,
        },
      },
    },
    mediaTools: { ffmpeg: e.FFMPEG_PATH, ffprobe: e.FFPROBE_PATH },
    render: { chromiumPath: e.CHROMIUM_PATH, timeoutMs: e.RENDER_TIMEOUT_MS },
    aggregator: {
      summaryIntervalMs: e.SUMMARY_INTERVAL_MS,
      partMaxRecords: e.RESULTS_PART_MAX_RECORDS,
      concurrency: e.AGGREGATOR_CONCURRENCY,
    },
    analysis: { concurrency: e.ANALYSIS_CONCURRENCY },
    comparisonWebhook:
      e.COMPARISON_WEBHOOK_URL && e.COMPARISON_WEBHOOK_SECRET
        ? { url: e.COMPARISON_WEBHOOK_URL, secret: e.COMPARISON_WEBHOOK_SECRET, allowedHosts: e.COMPARISON_WEBHOOK_ALLOWED_HOSTS }
        : undefined,
    logLevel: e.LOG_LEVEL,
    vlmJudge:
      e.VLM_JUDGE_URL && e.VLM_JUDGE_MODEL
        ? {
            url: e.VLM_JUDGE_URL,
            model: e.VLM_JUDGE_MODEL,
            apiKey: e.VLM_JUDGE_API_KEY,
            timeoutMs: e.VLM_JUDGE_TIMEOUT_MS,
            retries: e.VLM_JUDGE_RETRIES,
            maxRps: e.VLM_JUDGE_MAX_RPS,
            maxConcurrency: e.VLM_JUDGE_MAX_CONCURRENCY,
          }
        : undefined,
  });
}

/**
 * For entry points: a bad configuration stops the process with a readable message, not a stack trace.
 * The services need a real S3 endpoint; only the local launcher runs the embedded store.
 */
export function loadConfigOrExit(
  service: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { embeddedAllowed?: boolean } = {},
): AssayConfig {
  try {
    const config = loadConfig(env);
    if (config.embedded && !options.embeddedAllowed) {
      throw new ConfigError([
        'S3_ENDPOINT: required here; the embedded S3 store runs only under `npm start` (for AWS S3 use https://s3.<region>.amazonaws.com)',
      ]);
    }
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`assay ${service}: ${err.message}\nSee the configuration table in README.md.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
