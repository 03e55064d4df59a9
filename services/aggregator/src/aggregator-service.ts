import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { JobName, QueueName, runMetricsJobId, type RunRecord } from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { RunAggregates } from '@assay/aggregation';
import { MetricCatalog } from '@assay/metric-catalog';
import { consumerSettings, type OpsService } from '@assay/lifecycle';
import { runChecks, type Logger } from '@assay/observability';
import { createRedis, QueueSet, QueueWorker } from '@assay/queue';
import { ComparisonRequests, RunIntake } from '@assay/intake';
import { PolicyCatalog } from '@assay/policies';
import { SuiteCatalog } from '@assay/suites';
import { SweepCatalog, SweepStore } from '@assay/sweeps';
import { ComparisonStore, globalKeys, RunStore, withRedisLock } from '@assay/runs';
import { S3ObjectStore } from '@assay/storage';
import { createExperimentEventsCounter, ExperimentStore } from '@assay/experiments';
import { createAggregatorMetrics } from './aggregator-metrics.js';
import { compareRunsHandler, computeRunMetricsHandler, deliverVerdictHandler } from './analysis-handlers.js';
import { createAnalysisMetrics } from './analysis-metrics.js';
import { importEventsHandler } from './experiments/import-events-handler.js';
import { FailureRecorder } from './failure-record.js';
import { QualityMetrics } from './quality-metrics.js';
import { closeRunHandler, recordResultHandler } from './handlers.js';
import { Reconciler } from './reconciler.js';
import { RunBusyError, RunWriter } from './run-writer.js';
import { advanceSweepHandler, sweepTickHandler } from './sweeps/sweep-handlers.js';
import { createSweepMetrics } from './sweeps/sweep-metrics.js';
import { SweepRunner } from './sweeps/sweep-runner.js';
import { syncSweepSchedulers } from './sweeps/sweep-schedulers.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
const RECONCILE_EVERY_MS = 30_000;
/** A fold of one run into its model version's rolling statistics: reads and writes a few MB, and one FD per reference set. */
const ROLLING_LOCK_MS = 120_000;

/** `withRedisLock`, waiting (polling every 500 ms, up to the lock's TTL) while another replica holds it. */
async function waitForLock<T>(redis: Redis, key: string, ttlMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ttlMs;
  for (;;) {
    const r = await withRedisLock(redis, key, ttlMs, fn);
    if (r.locked) return r.value;
    if (Date.now() > deadline) throw new Error(`${key} stayed locked for ${ttlMs} ms`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

export interface AggregatorService extends OpsService {
  /** one pass of the periodic work: refresh dirty runs, reconcile and close closing runs */
  tick(): Promise<void>;
}

export async function startAggregatorService(config: AssayConfig, logger: Logger, registry: Registry): Promise<AggregatorService> {
  const store = new S3ObjectStore(config.s3);
  const redis = createRedis(config.redis.url, 'worker', 'assay-aggregator');
  const runs = new RunStore(redis, config.redis.prefix);
  const aggregates = new RunAggregates(redis, config.redis.prefix);
  const queues = new QueueSet(redis, config.redis.prefix);
  const metrics = createAggregatorMetrics(registry);
  const catalog = MetricCatalog.load();
  // the run's post-close work (run-level metrics) is queued before anyone can see it closed
  const queueRunMetrics = async (run: RunRecord) =>
    void (await queues.add(
      QueueName.Analysis,
      JobName.ComputeRunMetrics,
      { runId: run.id, closedAt: run.closedAt! },
      { jobId: runMetricsJobId(run.id) },
    ));
  const writer = new RunWriter(
    runs,
    aggregates,
    store,
    config.s3.bucket,
    config.aggregator.partMaxRecords,
    metrics,
    logger,
    catalog,
    async (run) => {
      await runs.setRunMetricsState(run.id, { status: 'pending' });
      await queueRunMetrics(run);
    },
  );
  const failures = new FailureRecorder(store, config.s3.bucket, aggregates);
  const reconciler = new Reconciler(runs, failures, queues, metrics, version, logger);
  const closingKey = globalKeys(config.redis.prefix).closing;
  const deps = {
    runs,
    aggregates,
    failures,
    writer,
    metrics,
    quality: new QualityMetrics(registry),
    version,
    trackClosing: async (runId: string) => void (await redis.sadd(closingKey, runId)),
  };
  const dependencies = [
    { name: 'redis', check: () => redis.ping() },
    { name: 's3', check: () => store.ping(config.s3.bucket) },
  ];
  const worker = new QueueWorker({
    ...consumerSettings(config, logger, registry, dependencies),
    queue: QueueName.Aggregate,
    handlers: { [JobName.RecordResult]: recordResultHandler(deps), [JobName.CloseRun]: closeRunHandler(deps) },
    concurrency: config.aggregator.concurrency,
  });
  const comparisons = new ComparisonStore(redis, config.redis.prefix);
  const policies = await PolicyCatalog.load(catalog, {
    dir: config.policies.dir,
    s3: config.policies.uri ? { store, prefix: config.policies.uri } : undefined,
  });
  const analysisDeps = {
    runs,
    comparisons,
    policies,
    queues,
    store,
    config,
    metrics: createAnalysisMetrics(registry),
    version,
    storageReachable: () =>
      store.ping(config.s3.bucket).then(
        () => true,
        () => false,
      ),
    withModelVersionLock: <T>(modelVersion: string, fn: () => Promise<T>) =>
      waitForLock(redis, `${config.redis.prefix}:rolling:${modelVersion}`, ROLLING_LOCK_MS, fn),
  };
  // comparisons and run-level metrics: each job in a thread of its own, so they never hold the event loop
  const analysis = new QueueWorker({
    ...consumerSettings(config, logger, registry, dependencies),
    queue: QueueName.Analysis,
    handlers: {
      [JobName.ComputeRunMetrics]: computeRunMetricsHandler(analysisDeps),
      [JobName.CompareRuns]: compareRunsHandler(analysisDeps),
      [JobName.DeliverVerdict]: deliverVerdictHandler(analysisDeps),
      [JobName.ImportEvents]: importEventsHandler({
        experiments: new ExperimentStore(redis, config.redis.prefix),
        store,
        bucket: config.s3.bucket,
        events: createExperimentEventsCounter(registry),
        storageReachable: analysisDeps.storageReachable,
      }),
    },
    concurrency: config.analysis.concurrency,
  });
  // nightly sweeps: the same run, asset and comparison core as the API, driven by a job per sweep run
  const suites = await SuiteCatalog.load({
    dir: config.suites.dir,
    s3: config.suites.uri ? { store, prefix: config.suites.uri } : undefined,
  });
  const sweeps = await SweepCatalog.load(
    { suites, policies },
    { dir: config.sweeps.dir, s3: config.sweeps.uri ? { store, prefix: config.sweeps.uri } : undefined },
  );
  const sweepStore = new SweepStore(redis, config.redis.prefix);
  const core = { config, runs, comparisons, queues, store, suites, policies, catalog, logger };
  const runner = new SweepRunner({
    sweeps,
    store: sweepStore,
    runs,
    comparisons,
    intake: new RunIntake(core),
    comparisonRequests: new ComparisonRequests(core),
    objects: store,
    bucket: config.s3.bucket,
    failures,
    metrics: createSweepMetrics(registry, sweeps, sweepStore),
    aggregatorMetrics: metrics,
    version,
  });
  const sweepDeps = { sweeps, store: sweepStore, queues, runner, pollIntervalMs: config.sweeps.pollIntervalMs };
  const sweepWorker = new QueueWorker({
    ...consumerSettings(config, logger, registry, dependencies),
    queue: QueueName.Sweeps,
    handlers: { [JobName.SweepTick]: sweepTickHandler(sweepDeps), [JobName.AdvanceSweep]: advanceSweepHandler(sweepDeps) },
    // sweep jobs are short steps (they re-schedule themselves while waiting): a few at once is plenty
    concurrency: 4,
  });

  const abort = new AbortController();
  worker.start(abort.signal).catch((err) => logger.error({ err }, 'aggregator worker did not start'));
  analysis.start(abort.signal).catch((err) => logger.error({ err }, 'analysis worker did not start'));
  // schedules are upserted once Redis answers (the worker's start waits for it): a start during an outage still serves /healthz
  const schedulesSynced = sweepWorker
    .start(abort.signal)
    .then(() => syncSweepSchedulers(queues, sweeps, logger, abort.signal))
    .catch((err) => logger.error({ err }, 'sweep worker did not start'));

  const lastReconcile = new Map<string, number>();
  const tick = async () => {
    for (const runId of await aggregates.popDirty(100)) {
      await writer.refresh(runId).catch(async (err) => {
        logger.warn({ err, runId }, 'refresh failed; will retry');
        await aggregates.markDirty(runId);
      });
    }
    // A run another replica is writing (RunBusyError) or a passing S3 fault: try again next tick.
    const finalize = (runId: string) =>
      writer.maybeFinalize(runId).catch((err) => {
        if (!(err instanceof RunBusyError)) logger.warn({ err, runId }, 'closing the run failed; will retry');
        return false;
      });
    for (const runId of await redis.smembers(closingKey)) {
      if (await finalize(runId)) {
        await redis.srem(closingKey, runId);
        lastReconcile.delete(runId);
        continue;
      }
      if (Date.now() - (lastReconcile.get(runId) ?? 0) < RECONCILE_EVERY_MS) continue;
      lastReconcile.set(runId, Date.now());
      if ((await reconciler.reconcile(runId)) > 0 && (await finalize(runId))) await redis.srem(closingKey, runId);
    }
  };
  let ticking: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (ticking || !worker.isRunning()) return;
    ticking = tick()
      .catch((err) => logger.warn({ err }, 'periodic aggregation pass failed'))
      .finally(() => (ticking = undefined));
  }, config.aggregator.summaryIntervalMs);

  return {
    tick,
    async readiness() {
      const checks = await runChecks(dependencies);
      checks.worker = { ok: worker.isRunning() };
      checks.analysis = { ok: analysis.isRunning() };
      checks.sweeps = { ok: sweepWorker.isRunning() };
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
    abortActive() {
      worker.abortActive();
      analysis.abortActive();
      sweepWorker.abortActive();
    },
    async close() {
      abort.abort();
      clearInterval(timer);
      await Promise.all([
        worker.close(config.worker.shutdownGraceMs),
        analysis.close(config.worker.shutdownGraceMs),
        sweepWorker.close(config.worker.shutdownGraceMs),
      ]);
      await ticking;
      await schedulesSynced;
      await queues.close();
      await redis.quit();
      store.close();
    },
  };
}
