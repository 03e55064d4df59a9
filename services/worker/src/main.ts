#!/usr/bin/env node
import { loadConfigOrExit } from '@assay/config';
import { handleShutdown } from '@assay/lifecycle';
import { createLogger, createMetricsRegistry, startOpsServer } from '@assay/observability';
import { startWorkerService } from './worker-service.js';

const config = loadConfigOrExit('worker');
const logger = createLogger('worker', config.logLevel);
const registry = createMetricsRegistry('worker');
const service = await startWorkerService(config, logger, registry);
const ops = await startOpsServer({ host: config.host, port: config.port, registry, readiness: () => service.readiness() });
logger.info({ metrics: `http://${config.host}:${config.port}/metrics` }, 'worker listening');
handleShutdown(logger, async () => {
  ops.close();
  await service.close();
});
