import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Counter, Histogram, type Registry } from 'prom-client';
import {
  AssayError,
  JOBS_BY_QUEUE,
  PERMANENT_FAILURES,
  queuePrefix,
  type JobName,
  type JobPayloadMap,
  type QueueName,
} from '@assay/contracts';
import { DURATION_BUCKETS_SECONDS, runChecks, type DependencyCheck, type Logger } from '@assay/observability';
import { createRedis } from './redis.js';

/** `signal` aborts when the job is cancelled or the worker closes by force: handlers pass it to child processes. */
export type JobHandler<N extends JobName> = (job: Job<JobPayloadMap[N]>, log: Logger, signal?: AbortSignal) => Promise<unknown>;
export type HandlerMap<N extends JobName> = { [K in N]: JobHandler<K> };

export interface QueueWorkerOptions<N extends JobName> {
  queue: QueueName;
  handlers: HandlerMap<N>;
  redisUrl: string;
  basePrefix: string;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  logger: Logger;
  registry: Registry;
  /** the worker takes no job until every check passes */
  dependencies: DependencyCheck[];
}

/** A permanent failure gets no retry; anything else is retried with the queue's backoff. */
export function isPermanent(err: unknown): boolean {
  return err instanceof UnrecoverableError || (err instanceof AssayError && PERMANENT_FAILURES.has(err.code));
}

/** True when this attempt failing means the job fails for good. */
export function isFinalAttempt(job: Job, err: unknown): boolean {
  return isPermanent(err) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * The base of every Assay worker: one handler per job name, checked when constructed; starts paused and
 * takes jobs only once its dependencies answer; closes gracefully, releasing what it cannot finish.
 */
export class QueueWorker<N extends JobName> {
  readonly worker: Worker;
  private readonly log: Logger;
  private running?: Promise<void>;
  private readonly jobDuration: Histogram;
  private readonly jobsTotal: Counter;

  constructor(private readonly options: QueueWorkerOptions<N>) {
    const expected = new Set<string>(JOBS_BY_QUEUE[options.queue]);
    const given = new Set<string>(Object.keys(options.handlers));
    const missing = [...expected].filter((n) => !given.has(n));
    const extra = [...given].filter((n) => !expected.has(n));
    if (missing.length || extra.length) {
      throw new Error(`queue ${options.queue}: handlers missing for [${missing.join(', ')}], unexpected for [${extra.join(', ')}]`);
    }
    this.log = options.logger.child({ queue: options.queue });
    this.jobDuration = getOrCreate(options.registry, 'assay_job_duration_seconds', () =>
      new Histogram({
        name: 'assay_job_duration_seconds',
        help: 'Wall time of one job attempt by queue, job name and outcome.',
        labelNames: ['queue', 'job', 'outcome'],
        buckets: DURATION_BUCKETS_SECONDS,
        registers: [options.registry],
      }),
    );
    this.jobsTotal = getOrCreate(options.registry, 'assay_jobs_total', () =>
      new Counter({
        name: 'assay_jobs_total',
        help: 'Job attempts by queue, job name and outcome (completed, retried, failed).',
        labelNames: ['queue', 'job', 'outcome'],
        registers: [options.registry],
      }),
    );
    this.worker = new Worker(options.queue, (job, _token, signal) => this.process(job, signal), {
      connection: createRedis(options.redisUrl, 'worker', `assay-worker-${options.queue}-${hostname()}`),
      prefix: queuePrefix(options.basePrefix, options.queue),
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: 2,
      autorun: false,
    });
    this.worker.on('error', (err) => this.log.error({ err }, 'worker error'));
  }

  private async process(job: Job, signal?: AbortSignal): Promise<unknown> {
    const name = job.name as N;
    const handler = this.options.handlers[name] as JobHandler<N> | undefined;
    const log = this.log.child({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1, ...idsOf(job.data) });
    if (!handler) throw new UnrecoverableError(`no handler for job name ${job.name}`);
    const end = this.jobDuration.startTimer({ queue: this.options.queue, job: name });
    try {
      const out = await handler(job as Job<JobPayloadMap[N]>, log, signal);
      end({ outcome: 'completed' });
      this.jobsTotal.inc({ queue: this.options.queue, job: name, outcome: 'completed' });
      return out;
    } catch (err) {
      const final = isFinalAttempt(job, err);
      const outcome = final ? 'failed' : 'retried';
      end({ outcome });
      this.jobsTotal.inc({ queue: this.options.queue, job: name, outcome });
      const code = err instanceof AssayError ? err.code : undefined;
      log.warn({ err, code, final }, final ? 'job failed' : 'job attempt failed; will retry');
      if (isPermanent(err) && !(err instanceof UnrecoverableError)) {
        throw new UnrecoverableError(`${code}: ${(err as Error).message}`);
      }
      throw err;
    }
  }

  /** Waits until every dependency answers (retrying with backoff), then starts taking jobs. */
  async start(signal?: AbortSignal): Promise<void> {
    let delay = 250;
    for (;;) {
      const checks = await runChecks(this.options.dependencies);
      const failures = Object.entries(checks)
        .filter(([, c]) => !c.ok)
        .map(([name, c]) => `${name}: ${c.detail}`);
      if (!failures.length) break;
      if (signal?.aborted) throw new Error('aborted while waiting for dependencies');
      this.log.warn({ failures, retryInMs: delay }, 'dependencies not ready; worker stays paused');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
    this.running = this.worker.run();
    this.running.catch((err) => this.log.error({ err }, 'worker stopped with an error'));
    this.log.info({ concurrency: this.options.concurrency }, 'worker started');
  }

  isRunning(): boolean {
    return this.worker.isRunning();
  }

  /**
   * Stops taking jobs and waits up to `graceMs` for active ones; after that the worker closes by force and
   * the unfinished jobs' locks lapse, so another worker picks them up (stalled-job recovery).
   */
  async close(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceful = this.worker.close().then(() => true);
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), graceMs)));
    const closed = await Promise.race([graceful, timeout]);
    clearTimeout(timer);
    if (!closed) {
      this.log.warn({ graceMs }, 'active jobs did not finish in the grace period; closing by force');
      // aborts the handlers' signals, so child processes (ffmpeg) are killed rather than orphaned
      this.worker.cancelAllJobs('worker closing');
      await this.worker.close(true);
    }
    this.log.info('worker closed');
  }
}

function idsOf(data: unknown): Record<string, string> {
  const d = (data ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of ['runId', 'assetId', 'requestId'] as const) if (typeof d[k] === 'string') out[k] = d[k] as string;
  return out;
}

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
