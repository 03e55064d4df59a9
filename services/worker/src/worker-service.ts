import { hostname } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';
import { JobName, MODALITY_DESCRIPTORS, SCORING_QUEUE_BY_MODALITY } from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { InferenceHost } from '@assay/inference';
import { consumerSettings, type OpsService } from '@assay/lifecycle';
import { runChecks, type Logger } from '@assay/observability';
import { createRedis, QueueSet, QueueWorker } from '@assay/queue';
import { createChatJudgeClient } from '@assay/judges';
import { MODEL_REPORT_INTERVAL_MS, ModelDirectory, ModelKit, ModelRegistry } from '@assay/models';
import { removeStaleMediaDirs } from '@assay/media';
import { MeshRenderer } from '@assay/mesh-render';
import { MetricRegistry } from '@assay/scoring';
import { S3ObjectStore } from '@assay/storage';
import { SuiteCatalog } from '@assay/suites';
import { ResultPublisher } from './result-publisher.js';
import { createScoreAssetHandler } from './score-asset.handler.js';
import { planSuites } from './suite-plan.js';
import { loadTokenizer } from './tokenizers.js';
import { toolProblems, toolsOf } from './tools.js';
import { createWorkerMetrics } from './worker-metrics.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export type WorkerService = OpsService;

/**
 * Loads the suites, the metric registry and every model and parameter file the suites need (see
 * planSuites), then starts one paused worker per modality queue it serves (WORKER_MODALITIES); each takes
 * jobs once Redis and S3 answer.
 */
export async function startWorkerService(config: AssayConfig, logger: Logger, registry: Registry): Promise<WorkerService> {
  const store = new S3ObjectStore(config.s3);
  const redis = createRedis(config.redis.url, 'worker', 'assay-worker-producer');
  const queues = new QueueSet(redis, config.redis.prefix);
  const catalog = await SuiteCatalog.load({
    dir: config.suites.dir,
    s3: config.suites.uri ? { store, prefix: config.suites.uri } : undefined,
  });
  const models = new InferenceHost(config.executionProviders, logger, registry, { intraOpThreads: config.intraOpThreads });
  const modelRegistry = await ModelRegistry.open({
    host: models,
    modelDirs: config.modelDirs,
    s3: config.modelsUri ? { store, prefix: config.modelsUri, cacheDir: join(config.dataDir, 'model-cache') } : undefined,
  });
  if (config.worker.modalities.some((m) => MODALITY_DESCRIPTORS[m].tools.includes('ffmpeg'))) {
    // a worker killed mid-decode (SIGKILL, OOM) left its asset bytes behind
    const removed = await removeStaleMediaDirs();
    if (removed.length) logger.info({ removed }, 'removed temp directories of media jobs whose worker died');
  }
  const plan = await planSuites(catalog, await MetricRegistry.load(), modelRegistry, {
    modalities: config.worker.modalities,
    modelDirs: config.modelDirs,
    logger,
    toolProblems: await toolProblems(toolsOf(config.worker.modalities), config),
  });
  const modelKit = new ModelKit(modelRegistry, models, loadTokenizer);
  const directory = new ModelDirectory(redis, config.redis.prefix);
  const instance = `${hostname()}:${process.pid}`;
  const report = async () =>
    directory.publish({
      instance,
      host: hostname(),
      pid: process.pid,
      models: modelRegistry.loaded(),
      refused: await modelRegistry.refused(),
      updatedAt: new Date().toISOString(),
    });
  report().catch((err) => logger.warn({ err }, 'could not publish loaded models'));
  const reporter = setInterval(
    () => void report().catch((err) => logger.warn({ err }, 'could not publish loaded models')),
    MODEL_REPORT_INTERVAL_MS,
  );

  // one browser per process, launched by the first 3D asset with rendered views (a failed launch is tried again)
  let renderer: Promise<MeshRenderer> | undefined;
  const launchRenderer = () =>
    (renderer ??= MeshRenderer.launch({ executablePath: config.render.chromiumPath }).catch((err: unknown) => {
      renderer = undefined;
      throw err;
    }));
  const storage = { name: 's3', check: () => store.ping(config.s3.bucket) };
  const handler = createScoreAssetHandler({
    config,
    store,
    publisher: new ResultPublisher(store, config.s3.bucket, queues),
    plan,
    models,
    modelKit,
    // one client per process: its rate limit and concurrency are per client
    judges: { vlm: createChatJudgeClient(config, registry) },
    metrics: createWorkerMetrics(registry, config.worker.modalities, [
      ...new Set([...plan.servable.values()].flatMap((s) => s.metrics.map((m) => m.def.name))),
    ]),
    identity: { host: hostname(), pid: process.pid, version, executionProviders: config.executionProviders },
    storageReachable: async () => (await runChecks([storage]))[storage.name].ok,
    renderer: launchRenderer,
  });
  const dependencies = [storage, { name: 'redis', check: () => redis.ping() }];
  const workers = config.worker.modalities.map(
    (modality) =>
      new QueueWorker({
        ...consumerSettings(config, logger, registry, dependencies),
        queue: SCORING_QUEUE_BY_MODALITY[modality],
        handlers: { [JobName.ScoreAsset]: handler },
        concurrency: config.worker.concurrency,
      }),
  );
  const abort = new AbortController();
  for (const w of workers) w.start(abort.signal).catch((err) => logger.error({ err }, 'worker did not start'));
  logger.info(
    {
      suites: [...plan.servable.keys()],
      // suites whose optional models or files are not installed here, and why (docs/models.md says where to get them)
      unavailable: Object.fromEntries(plan.unavailable),
      models: models.models().map((m) => `${m.id}@${m.provider}`),
    },
    'worker service started',
  );

  return {
    async readiness() {
      const checks = await runChecks(dependencies);
      checks.execution_provider = models.readiness();
      // informational: a suite this worker cannot serve does not make the worker unready
      checks.suites = {
        ok: true,
        detail: plan.unavailable.size ? [...plan.unavailable].map(([name, why]) => `${name} unavailable: ${why}`).join(' | ') : undefined,
      };
      const taking = workers.every((w) => w.isRunning() && !w.isPausedForOutage());
      checks.workers = { ok: taking, detail: taking ? undefined : 'paused: waiting for dependencies' };
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
    abortActive() {
      for (const w of workers) w.abortActive();
    },
    async close() {
      abort.abort();
      clearInterval(reporter);
      await Promise.all(workers.map((w) => w.close(config.worker.shutdownGraceMs)));
      await directory.withdraw(instance).catch(() => undefined);
      await models.close();
      await renderer?.then((r) => r.close()).catch((err: unknown) => logger.warn({ err }, 'could not close the renderer'));
      await queues.close();
      await redis.quit();
      store.close();
    },
  };
}
