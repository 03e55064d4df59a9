import { afterEach, describe, expect, it } from 'vitest';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { JobName, QueueName, queuePrefix } from '@assay/contracts';
import { DependencyOutage, QueueWorker } from '@assay/queue';
import { dropPrefix, REDIS_URL, testPrefix } from '../../../test/helpers/env.js';

/**
 * QueueWorker against a real Redis: each test has its own key prefix (so its own BullMQ queue keys), a
 * fake dependency check it switches up and down, and a handler it controls.
 */

type Handler = (job: Job, signal?: AbortSignal) => Promise<unknown>;

interface Harness {
  prefix: string;
  queue: Queue;
  /** the producer's connection (BullMQ does not close a connection it is handed) */
  redis: Redis;
  worker: QueueWorker<typeof JobName.ScoreAsset>;
  registry: Registry;
  /** the fake dependency answers while this is true */
  deps: { up: boolean; checks: number };
  logs: Record<string, unknown>[];
}

const open: Harness[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.worker.close(0).catch(() => undefined);
    await h.queue.close();
    h.redis.disconnect();
    await dropPrefix(h.prefix);
  }
});

function harness(handler: Handler, options: { depsUp?: boolean; outageDeferMs?: number } = {}): Harness {
  const prefix = testPrefix('queue-worker');
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const deps = { up: options.depsUp ?? true, checks: 0 };
  const registry = new Registry();
  const worker = new QueueWorker({
    redisUrl: REDIS_URL,
    basePrefix: prefix,
    lockDurationMs: 30_000,
    stalledIntervalMs: 30_000,
    logger,
    registry,
    dependencies: [
      {
        name: 's3',
        check: async () => {
          deps.checks++;
          if (!deps.up) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
        },
      },
    ],
    outageDeferMs: options.outageDeferMs,
    queue: QueueName.Image,
    handlers: { [JobName.ScoreAsset]: (job, _log, signal) => handler(job, signal) },
    concurrency: 1,
  });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QueueName.Image, { connection: redis, prefix: queuePrefix(prefix, QueueName.Image) });
  const h = { prefix, queue, redis, worker, registry, deps, logs };
  open.push(h);
  return h;
}

const add = (h: Harness, jobId: string, attempts = 5) =>
  h.queue.add(JobName.ScoreAsset, { runId: 'run_1', assetId: jobId }, { jobId, attempts, backoff: { type: 'fixed', delay: 100 } });

/** Polls `probe` until it returns true; fails after `timeoutMs` with `what`. */
async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const stateOf = async (h: Harness, jobId: string) => h.queue.getJobState(jobId);
const jobOf = async (h: Harness, jobId: string) => (await h.queue.getJob(jobId))!;

/** The value of one series of a metric in the harness's registry (labels matched exactly on the keys given). */
async function metric(h: Harness, name: string, labels: Record<string, string>, series = name): Promise<number | undefined> {
  const m = h.registry.getSingleMetric(name);
  if (!m) return undefined;
  const { values } = await m.get();
  const hit = values.find(
    (v) => (v.metricName ?? name) === series && Object.entries(labels).every(([k, want]) => String(v.labels[k as never]) === want),
  );
  return hit?.value;
}
const jobsTotal = (h: Harness, outcome: string) => metric(h, 'assay_jobs_total', { queue: 'image', job_name: JobName.ScoreAsset, outcome });
const durationCount = (h: Harness, outcome: string) =>
  metric(h, 'assay_job_duration_seconds', { queue: 'image', job_name: JobName.ScoreAsset, outcome }, 'assay_job_duration_seconds_count');
const pausedGauge = (h: Harness) => metric(h, 'assay_worker_paused', { queue: 'image' });

/** A promise with its resolve function, for handlers the test lets finish. */
function gate<T = void>() {
  let open!: (v: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}

/** Tracks whether a promise has settled yet (without awaiting it). */
function track<T>(p: Promise<T>) {
  const t = { settled: false, promise: p };
  p.then(
    () => (t.settled = true),
    () => (t.settled = true),
  );
  return t;
}

describe('QueueWorker: construction', () => {
  it('refuses a handler map that does not match the queue, and zeroes its series', async () => {
    const base = harness(async () => 'ok');
    expect(await pausedGauge(base)).toBe(0);
    for (const outcome of ['completed', 'retried', 'failed', 'deferred']) expect(await jobsTotal(base, outcome)).toBe(0);
    const make = (handlers: object) =>
      new QueueWorker({
        redisUrl: REDIS_URL,
        basePrefix: base.prefix,
        lockDurationMs: 1000,
        stalledIntervalMs: 1000,
        logger: pino({ level: 'silent' }),
        registry: new Registry(),
        dependencies: [],
        queue: QueueName.Image,
        handlers: handlers as never,
        concurrency: 1,
      });
    expect(() => make({})).toThrow('queue image: handlers missing for [score-asset], unexpected for []');
    expect(() => make({ [JobName.ScoreAsset]: async () => 1, [JobName.CloseRun]: async () => 1 })).toThrow(
      'queue image: handlers missing for [], unexpected for [close-run]',
    );
  });
});

describe('QueueWorker: starts paused', () => {
  it('takes no job until every dependency answers, then processes the queued ones', async () => {
    const seen: string[] = [];
    const h = harness(async (job) => (seen.push(job.id!), `scored ${job.id}`), { depsUp: false });
    await add(h, 'early');
    const started = track(h.worker.start());

    // the worker probes (with backoff) and stays off the queue while the dependency is down
    await waitFor('two failed dependency probes', () => h.deps.checks >= 2);
    expect(started.settled).toBe(false);
    expect(h.worker.isRunning()).toBe(false);
    expect(seen).toEqual([]);
    expect(await stateOf(h, 'early')).toBe('waiting');
    expect(h.logs.some((l) => l.msg === 'dependencies not ready; worker stays paused' && l.level === 40)).toBe(true);

    h.deps.up = true;
    await started.promise;
    expect(h.worker.isRunning()).toBe(true);
    await waitFor('the queued job to complete', async () => (await stateOf(h, 'early')) === 'completed');
    const job = await jobOf(h, 'early');
    expect(job.returnvalue).toBe('scored early');
    expect(job.attemptsMade).toBe(1);
    expect(seen).toEqual(['early']);
    expect(await jobsTotal(h, 'completed')).toBe(1);
    expect(await durationCount(h, 'completed')).toBe(1);
  });

  it('gives up waiting for dependencies when its signal aborts, leaving the queue untouched', async () => {
    const h = harness(async () => 'never', { depsUp: false });
    await add(h, 'j1');
    const abort = new AbortController();
    const started = h.worker.start(abort.signal);
    await waitFor('a failed dependency probe', () => h.deps.checks >= 1);
    abort.abort();
    await expect(started).rejects.toThrow('aborted while waiting for dependencies');
    expect(h.worker.isRunning()).toBe(false);
    expect(await stateOf(h, 'j1')).toBe('waiting');
  });
});

describe('QueueWorker: shutdown', () => {
  it('close while idle resolves at once, releases its Redis connection, and takes no job afterwards; closing twice is harmless', async () => {
    let calls = 0;
    const h = harness(async () => ++calls);
    await h.worker.start();
    expect(h.worker.isRunning()).toBe(true);
    // the connection QueueWorker opened for BullMQ, as the Redis server sees it
    const connection = await h.worker.worker.client;
    const id = Number(await connection.client('ID'));
    const admin = new Redis(REDIS_URL);
    const connectedIds = async () => [...((await admin.client('LIST')) as string).matchAll(/^id=(\d+) /gm)].map((m) => Number(m[1]));
    expect(await connectedIds()).toContain(id);

    const t = Date.now();
    await h.worker.close(20_000);
    expect(Date.now() - t).toBeLessThan(5_000); // nothing to wait for: far below the grace period
    expect(h.worker.worker.closed).toBe(true);
    await waitFor('the worker loop to stop', () => !h.worker.isRunning());
    await waitFor('the server to drop the connection', async () => !(await connectedIds()).includes(id));
    await waitFor('the client to end', () => connection.status === 'end');
    admin.disconnect();

    await h.worker.close(20_000);
    expect(h.logs.filter((l) => l.msg === 'worker closed')).toHaveLength(2);
    expect(h.logs.some((l) => l.msg === 'active jobs did not finish in the grace period; closing by force')).toBe(false);

    await add(h, 'after-close');
    await sleep(300);
    expect(calls).toBe(0);
    expect(await stateOf(h, 'after-close')).toBe('waiting');
  });

  it('concurrent close calls both wait for the same drain', async () => {
    const release = gate();
    const running = gate();
    const h = harness(async () => (running.open(), await release.promise, 'done'));
    await h.worker.start();
    await add(h, 'job-1');
    await running.promise;
    const first = track(h.worker.close(20_000));
    const second = track(h.worker.close(20_000));
    await sleep(200);
    expect([first.settled, second.settled]).toEqual([false, false]);
    release.open();
    await Promise.all([first.promise, second.promise]);
    expect(await stateOf(h, 'job-1')).toBe('completed');
    expect(await jobsTotal(h, 'completed')).toBe(1);
  });

  it('close while a job runs stops taking jobs and waits for the active one to finish (graceful drain)', async () => {
    const release = gate();
    const running = gate();
    const seen: string[] = [];
    let aborted: boolean | undefined;
    const h = harness(async (job, signal) => {
      seen.push(job.id!);
      running.open();
      await release.promise;
      aborted = signal?.aborted;
      return 'done';
    });
    await h.worker.start();
    await add(h, 'running-job');
    await running.promise;

    const closing = track(h.worker.close(20_000));
    await add(h, 'queued-during-close');
    // the active job holds the close: it cannot settle before the handler returns
    await sleep(300);
    expect(closing.settled).toBe(false);
    expect(await stateOf(h, 'running-job')).toBe('active');

    release.open();
    await closing.promise;
    expect(aborted).toBe(false);
    expect(await stateOf(h, 'running-job')).toBe('completed');
    const job = await jobOf(h, 'running-job');
    expect(job.returnvalue).toBe('done');
    expect(job.attemptsMade).toBe(1);
    // the job queued after close() began was left for another worker
    expect(seen).toEqual(['running-job']);
    expect(await stateOf(h, 'queued-during-close')).toBe('waiting');
    expect(await jobsTotal(h, 'completed')).toBe(1);
    expect(h.logs.some((l) => l.msg === 'active jobs did not finish in the grace period; closing by force')).toBe(false);
  });

  it('after the grace period, aborts the active handlers: one that honours its signal ends and its job is retried', async () => {
    const running = gate();
    const h = harness(
      (_job, signal) =>
        new Promise((_, reject) => {
          running.open();
          signal!.addEventListener('abort', () => reject(new Error(`cancelled: ${String(signal!.reason)}`)));
        }),
    );
    await h.worker.start();
    await add(h, 'cut-off');
    await running.promise;

    const t = Date.now();
    await h.worker.close(300);
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
    expect(Date.now() - t).toBeLessThan(5_000);
    expect(h.logs.some((l) => l.msg === 'active jobs did not finish in the grace period; closing by force')).toBe(true);
    // an ordinary failed attempt: back to the queue with the job's backoff, one attempt used
    await waitFor('the job to be back in the queue', async () => ['delayed', 'waiting'].includes(await stateOf(h, 'cut-off')));
    const job = await jobOf(h, 'cut-off');
    expect(job.failedReason).toBe('cancelled: worker closing');
    expect(job.attemptsMade).toBe(1);
    expect(await jobsTotal(h, 'retried')).toBe(1);
  });

  it('after the grace period, does not wait for a handler that ignores its signal', async () => {
    const running = gate();
    const finish = gate();
    let finished = false;
    let aborted = false;
    const h = harness(async (_job, signal) => {
      running.open();
      await finish.promise;
      aborted = signal!.aborted;
      finished = true;
      return 'late';
    });
    await h.worker.start();
    await add(h, 'stubborn');
    await running.promise;

    const t = Date.now();
    const closing = track(h.worker.close(300));
    try {
      await waitFor('close to return while the handler still runs', () => closing.settled, 8_000);
      expect(Date.now() - t).toBeLessThan(5_000);
      expect(finished).toBe(false);
      expect(h.logs.some((l) => l.msg === 'active jobs did not finish in the grace period; closing by force')).toBe(true);
    } finally {
      finish.open();
    }
    // the handler ending later does no harm: its job was never failed
    await waitFor('BullMQ to finish closing', () => h.worker.worker.closed === true);
    expect(aborted).toBe(true);
    // in this process the late result still counts; had the process exited, the job's lock would have lapsed
    expect(await stateOf(h, 'stubborn')).toBe('completed');
    const job = await jobOf(h, 'stubborn');
    expect(job.returnvalue).toBe('late');
    expect(job.failedReason).toBeUndefined();
  });
});

describe('QueueWorker: a dependency outage', () => {
  it('defers the job without using an attempt, pauses the worker until the dependency answers, then completes it', async () => {
    const calls: string[] = [];
    const h = harness(
      async (job) => {
        calls.push(job.id!);
        if (!h.deps.up) throw new DependencyOutage('s3', 'object storage: PUT failed (ECONNREFUSED)');
        return `scored ${job.id}`;
      },
      { outageDeferMs: 200 },
    );
    await h.worker.start();
    expect(await pausedGauge(h)).toBe(0);
    expect(h.worker.isPausedForOutage()).toBe(false);

    h.deps.up = false;
    // one attempt only: had the deferral used it, the job would fail for good
    await add(h, 'deferred', 1);
    await waitFor('the worker to pause for the outage', () => h.worker.isPausedForOutage());
    await waitFor('the job to be deferred', async () => (await stateOf(h, 'deferred')) === 'delayed');
    let job = await jobOf(h, 'deferred');
    expect(job.attemptsMade).toBe(0);
    expect(job.attemptsStarted).toBe(1);
    expect(job.failedReason).toBeUndefined();
    expect(await pausedGauge(h)).toBe(1);
    expect(h.worker.worker.isPaused()).toBe(true);
    expect(await jobsTotal(h, 'deferred')).toBe(1);
    expect(await durationCount(h, 'deferred')).toBe(1);
    for (const outcome of ['completed', 'retried', 'failed']) expect(await jobsTotal(h, outcome)).toBe(0);
    const down = h.logs.find((l) => l.msg === 'dependency down: worker paused, its jobs deferred without using an attempt');
    expect(down).toMatchObject({ dependency: 's3', err: 'object storage: PUT failed (ECONNREFUSED)' });

    // paused: neither a new job nor the deferred one (due again after 200 ms) is taken while the dependency is down
    await add(h, 'while-paused');
    const probes = h.deps.checks;
    await waitFor('the probe loop to find the dependency still down', () => h.deps.checks > probes);
    expect(calls).toEqual(['deferred']);
    expect(await stateOf(h, 'while-paused')).toBe('waiting');
    expect(await pausedGauge(h)).toBe(1);

    h.deps.up = true;
    await waitFor('the worker to resume', () => !h.worker.isPausedForOutage());
    await waitFor('both jobs to complete', async () =>
      (await Promise.all([stateOf(h, 'deferred'), stateOf(h, 'while-paused')])).every((s) => s === 'completed'),
    );
    expect(await pausedGauge(h)).toBe(0);
    expect(h.worker.worker.isPaused()).toBe(false);
    job = await jobOf(h, 'deferred');
    expect(job.returnvalue).toBe('scored deferred');
    expect(job.attemptsMade).toBe(1);
    expect(job.attemptsStarted).toBe(2);
    expect(calls.filter((c) => c === 'deferred')).toHaveLength(2);
    expect(calls.filter((c) => c === 'while-paused')).toHaveLength(1);
    expect(await jobsTotal(h, 'completed')).toBe(2);
    expect(await jobsTotal(h, 'deferred')).toBe(1);
    expect(await jobsTotal(h, 'failed')).toBe(0);
    expect(h.logs.some((l) => l.msg === 'dependencies answer again: worker resumed' && l.dependency === 's3')).toBe(true);
  });

  it('an ordinary error uses an attempt (retried, then failed), unlike a deferral', async () => {
    const h = harness(async () => {
      throw new Error('decode went wrong');
    });
    await h.worker.start();
    await add(h, 'flaky', 2);
    await waitFor('the job to fail for good', async () => (await stateOf(h, 'flaky')) === 'failed');
    const job = await jobOf(h, 'flaky');
    expect(job.attemptsMade).toBe(2);
    expect(job.failedReason).toBe('decode went wrong');
    expect(await jobsTotal(h, 'retried')).toBe(1);
    expect(await jobsTotal(h, 'failed')).toBe(1);
    expect(await jobsTotal(h, 'deferred')).toBe(0);
    expect(await pausedGauge(h)).toBe(0);
    expect(h.worker.isPausedForOutage()).toBe(false);
  });

  it('close during an outage ends the probe loop without resuming and leaves the deferred job for later', async () => {
    let calls = 0;
    const h = harness(
      async () => {
        calls++;
        throw new DependencyOutage('s3', 'down');
      },
      { outageDeferMs: 60_000 },
    );
    await h.worker.start();
    h.deps.up = false;
    await add(h, 'deferred');
    await waitFor('the worker to pause for the outage', () => h.worker.isPausedForOutage());
    expect(await pausedGauge(h)).toBe(1);

    const t = Date.now();
    await h.worker.close(20_000);
    expect(Date.now() - t).toBeLessThan(5_000);
    await waitFor('the probe loop to end', () => !h.worker.isPausedForOutage());
    expect(await pausedGauge(h)).toBe(0);
    expect(h.logs.some((l) => l.msg === 'dependencies answer again: worker resumed')).toBe(false);
    // the dependency answering after the close resumes nothing
    h.deps.up = true;
    await sleep(1_200);
    expect(h.worker.isRunning()).toBe(false);
    expect(calls).toBe(1);
    expect(await stateOf(h, 'deferred')).toBe('delayed');
    expect((await jobOf(h, 'deferred')).attemptsMade).toBe(0);
  });
});
