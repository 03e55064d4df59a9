import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { Registry } from 'prom-client';
import { QueueName } from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import { RunAggregates } from '@assay/aggregation';
import type { Logger } from '@assay/observability';
import { createRedis, QueueSet, registerQueueDepthMetrics } from '@assay/queue';
import { ComparisonStore, RunStore } from '@assay/runs';
import { PolicyCatalog } from '@assay/policies';
import { S3ObjectStore } from '@assay/storage';
import { SuiteCatalog } from '@assay/suites';
import { SweepCatalog, SweepStore } from '@assay/sweeps';
import { MetricCatalog } from '@assay/metric-catalog';
import { StudyStore } from '@assay/studies';
import { createExperimentEventsCounter, ExperimentStore } from '@assay/experiments';
import { registerJudgeAgreementGauge } from './studies/judge-agreement-gauge.js';
import { AppModule } from './app.module.js';
import { ErrorFilter, sendError } from './http/error.filter.js';
import { NestPinoLogger } from './http/nest-logger.js';
import { httpObserver, requestId } from './http/request-context.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { buildOpenApi } from './openapi.js';
import { UPLOAD_CONTENT_TYPES } from './upload-types.js';

export { UPLOAD_CONTENT_TYPES };

export interface IngestApp {
  app: NestExpressApplication;
  url: string;
  close(): Promise<void>;
}

export async function createIngestApp(config: AssayConfig, logger: Logger, registry: Registry): Promise<IngestApp> {
  const redis = createRedis(config.redis.url, 'producer', 'assay-ingest');
  let lastRedisWarning = 0;
  redis.on('error', (err) => {
    if (Date.now() - lastRedisWarning < 10_000) return;
    lastRedisWarning = Date.now();
    logger.warn({ err: err.message }, 'Redis unavailable; API answers 503 until it is back');
  });
  const store = new S3ObjectStore(config.s3);
  store
    .ensureBucket(config.s3.bucket)
    .catch((err) => logger.warn({ err, bucket: config.s3.bucket }, 'bucket check failed; readiness will say why'));
  const queues = new QueueSet(redis, config.redis.prefix);
  for (const name of Object.values(QueueName)) queues.get(name);
  registerQueueDepthMetrics(registry, () => queues.all(), logger);
  const metrics = createIngestMetrics(registry);
  const metricCatalog = MetricCatalog.load();
  const studies = new StudyStore(redis, config.redis.prefix);
  registerJudgeAgreementGauge(registry, studies, logger);
  const suites = await SuiteCatalog.load({
    dir: config.suites.dir,
    s3: config.suites.uri ? { store, prefix: config.suites.uri } : undefined,
  });
  const policies = await PolicyCatalog.load(metricCatalog, {
    dir: config.policies.dir,
    s3: config.policies.uri ? { store, prefix: config.policies.uri } : undefined,
  });
  const module = AppModule.with({
    config,
    logger,
    registry,
    metrics,
    redis,
    queues,
    store,
    runs: new RunStore(redis, config.redis.prefix),
    aggregates: new RunAggregates(redis, config.redis.prefix),
    suites,
    metricCatalog,
    policies,
    comparisons: new ComparisonStore(redis, config.redis.prefix),
    sweeps: await SweepCatalog.load(
      { suites, policies },
      { dir: config.sweeps.dir, s3: config.sweeps.uri ? { store, prefix: config.sweeps.uri } : undefined },
    ),
    sweepStore: new SweepStore(redis, config.redis.prefix),
    studies,
    experiments: new ExperimentStore(redis, config.redis.prefix),
    experimentEvents: createExperimentEventsCounter(registry),
  });

  const app = await NestFactory.create<NestExpressApplication>(module, {
    rawBody: true,
    bodyParser: false,
    abortOnError: false,
    logger: new NestPinoLogger(logger),
  });
  app.use(requestId);
  app.use(httpObserver(metrics, logger));
  app.useBodyParser('json', { limit: config.limits.maxJsonBytes });
  app.useBodyParser('raw', { type: UPLOAD_CONTENT_TYPES, limit: config.limits.maxUploadBytes });
  // body-parser failures (bad JSON, too large) answered here, with their own codes
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => (err ? sendError(req, res, err, logger, metrics) : next()));
  app.useGlobalFilters(new ErrorFilter(logger, metrics));
  SwaggerModule.setup('docs', app, buildOpenApi() as unknown as OpenAPIObject, { jsonDocumentUrl: 'docs/openapi.json' });
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
  return {
    app,
    url,
    async close() {
      await app.close();
      await queues.close();
      redis.disconnect();
      store.close();
    },
  };
}
