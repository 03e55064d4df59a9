import { hostname } from 'node:os';
import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';
import { ENABLED_MODALITIES, isModalityEnabled, JobName, SCORING_QUEUE_BY_MODALITY } from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { InferenceHost } from '@assay/inference';
import type { OpsService } from '@assay/lifecycle';
import { runChecks, type Logger } from '@assay/observability';
import { createRedis, QueueSet, QueueWorker } from '@assay/queue';
import { MODEL_CATALOG, MetricRegistry, resolveModel } from '@assay/scoring';
import { S3ObjectStore } from '@assay/storage';
import { listSuites } from '@assay/suites';
import { ResultPublisher } from './result-publisher.js';
import { createScoreAssetHandler } from './score-asset.handler.js';
import { createWorkerMetrics } from './worker-metrics.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export type WorkerService = OpsService;

/**
 * Loads the metric registry and every model the enabled suites need (a model that cannot load stops the
 * start), then starts one paused worker per enabled modality queue; each takes jobs once Redis and S3 answer.
 */
export async function startWorkerService(config: AssayConfig, logger: Logger, registry: Registry): Promise<WorkerService> {
  const store = new S3ObjectStore(config.s3);
  const redis = createRedis(config.redis.url, 'worker', 'assay-worker-producer');
  const queues = new QueueSet(redis, config.redis.prefix);
  const metricRegistry = await MetricRegistry.load();
  const suites = new Map(listSuites().filter((s) => isModalityEnabled(s.modality)).map((s) => [s.name, metricRegistry.resolve(s.metrics)]));

  const models = new InferenceHost(config.executionProviders, logger, registry);
  for (const id of metricRegistry.modelsNeeded([...suites.values()].flat())) {
    const loaded = await models.load(resolveModel(id, config.modelDir));
    const missing = MODEL_CATALOG[id].inputs.filter((name) => !loaded.inputs.some((i) => i.name === name));
    if (missing.length) throw new Error(`model ${id}: the graph has no input named ${missing.join(', ')}`);
  }

  const handler = createScoreAssetHandler({
    config,
    store,
    publisher: new ResultPublisher(store, config.s3.bucket, queues),
    suites,
    models,
    metrics: createWorkerMetrics(registry),
    identity: { host: hostname(), pid: process.pid, version, executionProviders: config.executionProviders },
  });
  const dependencies = [
    { name: 'redis', check: () => redis.ping() },
    { name: 's3', check: () => store.ping(config.s3.bucket) },
  ];
  const workers = ENABLED_MODALITIES.map(
    (modality) =>
      new QueueWorker({
        queue: SCORING_QUEUE_BY_MODALITY[modality],
        handlers: { [JobName.ScoreAsset]: handler },
        redisUrl: config.redis.url,
        basePrefix: config.redis.prefix,
        concurrency: config.worker.concurrency,
        lockDurationMs: config.worker.lockDurationMs,
        stalledIntervalMs: config.worker.stalledIntervalMs,
        logger,
        registry,
        dependencies,
      }),
  );
  const abort = new AbortController();
  for (const w of workers) w.start(abort.signal).catch((err) => logger.error({ err }, 'worker did not start'));
  logger.info({ suites: [...suites.keys()], models: models.models().map((m) => `${m.id}@${m.provider}`) }, 'worker service started');

  return {
    async readiness() {
      const checks = await runChecks(dependencies);
      checks.execution_provider = models.readiness();
      checks.workers = { ok: workers.every((w) => w.isRunning()), detail: workers.every((w) => w.isRunning()) ? undefined : 'waiting for dependencies' };
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
    async close() {
      abort.abort();
      await Promise.all(workers.map((w) => w.close(config.worker.shutdownGraceMs)));
      await models.close();
      await queues.close();
      await redis.quit();
      store.close();
    },
  };
}
