import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import {
  AssayError,
  JOBS_BY_QUEUE,
  PERMANENT_FAILURES,
  queuePrefix,
  type JobName,
  type JobPayloadMap,
  type QueueName,
} from '@assay/contracts';
import { DURATION_BUCKETS_SECONDS, runChecks, zeroSeries, type DependencyCheck, type Logger } from '@assay/observability';
import type { Redis } from 'ioredis';
import { createRedis } from './redis.js';

/** `signal` aborts when the job is cancelled or the worker closes by force: handlers pass it to child processes. */
export type JobHandler<N extends JobName> = (job: Job<JobPayloadMap[N]>, log: Logger, signal?: AbortSignal) => Promise<unknown>;
export type HandlerMap<N extends JobName> = { [K in N]: JobHandler<K> };

/** What every queue consumer of a deployment shares (see `consumerSettings` in @assay/lifecycle). */
export interface ConsumerSettings {
  redisUrl: string;
  basePrefix: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  logger: Logger;
  registry: Registry;
  /** the worker takes no job until every check passes, and pauses while one fails during an outage */
  dependencies: DependencyCheck[];
  /** how far a job is deferred when a dependency it needs is down (default 5 s) */
  outageDeferMs?: number;
}

export interface QueueWorkerOptions<N extends JobName> extends ConsumerSettings {
  queue: QueueName;
  handlers: HandlerMap<N>;
  concurrency: number;
}

/**
 * Thrown by a handler when a dependency its job needs is down, as checked (not guessed from one failed
 * call). The job goes back to the delayed set without using an attempt and the worker takes no job until
 * its dependencies answer again, so an outage of any length fails no asset.
 */
export class DependencyOutage extends Error {
  override name = 'DependencyOutage';

  constructor(
    readonly dependency: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by a handler whose job has nothing to do until later (a sweep waiting for its run's results): the job
 * goes back to the delayed set for `delayMs` without using an attempt, instead of holding a worker while it waits.
 */
export class RescheduleJob extends Error {
  override name = 'RescheduleJob';

  constructor(readonly delayMs: number) {
    super(`rescheduled in ${delayMs} ms`);
  }
}

/** After the grace period of close(): how long aborted handlers get to end before close() returns anyway. */
const ABORTED_HANDLERS_SETTLE_MS = 1_000;

/** The `outcome` label of `assay_jobs_total` and `assay_job_duration_seconds`. */
const JOB_OUTCOMES = ['completed', 'retried', 'failed', 'deferred', 'rescheduled'];

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
  private readonly pausedGauge: Gauge;
  /** the probe loop of a dependency outage, while the worker is paused for one */
  private outage?: Promise<void>;
  /** aborted by close(): ends the probe loop of an outage */
  private readonly closing = new AbortController();
  /** ours to close: BullMQ leaves a connection it was handed open when it closes */
  private readonly connection: Redis;

  constructor(private readonly options: QueueWorkerOptions<N>) {
    const expected = new Set<string>(JOBS_BY_QUEUE[options.queue]);
    const given = new Set<string>(Object.keys(options.handlers));
    const missing = [...expected].filter((n) => !given.has(n));
    const extra = [...given].filter((n) => !expected.has(n));
    if (missing.length || extra.length) {
      throw new Error(`queue ${options.queue}: handlers missing for [${missing.join(', ')}], unexpected for [${extra.join(', ')}]`);
    }
    this.log = options.logger.child({ queue: options.queue });
    this.jobDuration = getOrCreate(
      options.registry,
      'assay_job_duration_seconds',
      () =>
        new Histogram({
          name: 'assay_job_duration_seconds',
          help: 'Wall time of one job attempt by queue, job name and outcome.',
          labelNames: ['queue', 'job_name', 'outcome'],
          buckets: DURATION_BUCKETS_SECONDS,
          registers: [options.registry],
        }),
    );
    this.jobsTotal = getOrCreate(
      options.registry,
      'assay_jobs_total',
      () =>
        new Counter({
          name: 'assay_jobs_total',
          help: 'Job attempts by queue, job name and outcome (completed, retried, failed, deferred: a dependency was down, rescheduled: waiting).',
          labelNames: ['queue', 'job_name', 'outcome'],
          registers: [options.registry],
        }),
    );
    this.pausedGauge = getOrCreate(
      options.registry,
      'assay_worker_paused',
      () =>
        new Gauge({
          name: 'assay_worker_paused',
          help: '1 while this process takes no jobs from the queue because a dependency (S3) is down.',
          labelNames: ['queue'],
          registers: [options.registry],
        }),
    );
    this.pausedGauge.set({ queue: options.queue }, 0);
    zeroSeries(this.jobsTotal, { queue: [options.queue], job_name: JOBS_BY_QUEUE[options.queue], outcome: JOB_OUTCOMES });
    this.connection = createRedis(options.redisUrl, 'worker', `assay-worker-${options.queue}-${hostname()}`);
    this.worker = new Worker(options.queue, (job, token, signal) => this.process(job, token, signal), {
      connection: this.connection,
      prefix: queuePrefix(options.basePrefix, options.queue),
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: 2,
      autorun: false,
    });
    this.worker.on('error', (err) => this.log.error({ err }, 'worker error'));
  }

  private async process(job: Job, token?: string, signal?: AbortSignal): Promise<unknown> {
    const name = job.name as N;
    const handler = this.options.handlers[name] as JobHandler<N> | undefined;
    const log = this.log.child({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1, ...idsOf(job.data) });
    if (!handler) throw new UnrecoverableError(`no handler for job name ${job.name}`);
    const end = this.jobDuration.startTimer({ queue: this.options.queue, job_name: name });
    try {
      const out = await handler(job as Job<JobPayloadMap[N]>, log, signal);
      end({ outcome: 'completed' });
      this.jobsTotal.inc({ queue: this.options.queue, job_name: name, outcome: 'completed' });
      return out;
    } catch (err) {
      if (err instanceof RescheduleJob) {
        await job.moveToDelayed(Date.now() + err.delayMs, token);
        end({ outcome: 'rescheduled' });
        this.jobsTotal.inc({ queue: this.options.queue, job_name: name, outcome: 'rescheduled' });
        throw new DelayedError();
      }
      if (err instanceof DependencyOutage) {
        await job.moveToDelayed(Date.now() + (this.options.outageDeferMs ?? 5_000), token);
        end({ outcome: 'deferred' });
        this.jobsTotal.inc({ queue: this.options.queue, job_name: name, outcome: 'deferred' });
        this.pauseWhileDown(err);
        throw new DelayedError();
      }
      const final = isFinalAttempt(job, err);
      const outcome = final ? 'failed' : 'retried';
      end({ outcome });
      this.jobsTotal.inc({ queue: this.options.queue, job_name: name, outcome });
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
    let said = '';
    for (;;) {
      const checks = await runChecks(this.options.dependencies);
      const failures = Object.entries(checks)
        .filter(([, c]) => !c.ok)
        .map(([name, c]) => `${name}: ${c.detail}`);
      if (!failures.length) break;
      if (signal?.aborted) throw new Error('aborted while waiting for dependencies');
      // once per distinct failure: retries of the same one are not news
      const level = failures.join('|') === said ? 'debug' : 'warn';
      said = failures.join('|');
      this.log[level]({ failures, retryInMs: delay }, 'dependencies not ready; worker stays paused');
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

  /** true while the worker takes no jobs because a dependency is down */
  isPausedForOutage(): boolean {
    return this.outage !== undefined;
  }

  /** Stops taking jobs until every dependency answers again (probed with backoff from 1 s to 30 s). */
  private pauseWhileDown(cause: DependencyOutage): void {
    if (this.outage || this.closing.signal.aborted) return;
    this.log.warn(
      { dependency: cause.dependency, err: cause.message },
      'dependency down: worker paused, its jobs deferred without using an attempt',
    );
    this.pausedGauge.set({ queue: this.options.queue }, 1);
    const started = Date.now();
    this.outage = (async () => {
      await this.worker.pause(true);
      const signal = this.closing.signal;
      for (let delay = 1_000; ; delay = Math.min(delay * 2, 30_000)) {
        await sleep(delay, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) break;
        const checks = await runChecks(this.options.dependencies);
        if (Object.values(checks).every((c) => c.ok)) break;
      }
      this.outage = undefined;
      this.pausedGauge.set({ queue: this.options.queue }, 0);
      if (signal.aborted) return;
      this.worker.resume();
      this.log.info({ dependency: cause.dependency, pausedMs: Date.now() - started }, 'dependencies answer again: worker resumed');
    })().catch((err: unknown) => this.log.error({ err }, 'dependency probe loop failed'));
  }

  /** Cancels the active jobs (their handlers' signals abort, killing child processes); they are retried. */
  abortActive(reason = 'worker stopping now'): void {
    this.worker.cancelAllJobs(reason);
  }

  /**
   * Stops taking jobs and waits up to `graceMs` for active ones; after that it aborts their handlers and
   * stops waiting: a handler that honours its signal ends and its job is retried; the lock of one that does
   * not lapses when the process exits, so another worker picks the job up (stalled-job recovery).
   */
  async close(graceMs: number): Promise<void> {
    this.closing.abort();
    let timer: NodeJS.Timeout | undefined;
    const graceful = this.worker.close().then(() => {
      this.connection.disconnect();
      return true;
    });
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), graceMs)));
    const closed = await Promise.race([graceful, timeout]);
    clearTimeout(timer);
    if (!closed) {
      this.log.warn({ graceMs }, 'active jobs did not finish in the grace period; closing by force');
      // aborts the handlers' signals, so child processes (ffmpeg) are killed rather than orphaned
      this.abortActive('worker closing');
      // BullMQ's close() cannot be forced once begun (close(true) now would return the graceful close, still
      // waiting for the handlers): give aborted handlers a moment to end, and no more
      await Promise.race([graceful, sleep(ABORTED_HANDLERS_SETTLE_MS)]);
    }
    this.log.info('worker closed');
  }
}

function idsOf(data: unknown): Record<string, string> {
  const d = (data ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of ['runId', 'assetId', 'requestId'] as const) if (typeof d[k] === 'string') out[k] = d[k];
  return out;
}

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
