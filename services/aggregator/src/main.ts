#!/usr/bin/env node
import { loadConfigOrExit } from '@assay/config';
import { handleShutdown } from '@assay/lifecycle';
import { createLogger, createMetricsRegistry, startOpsServer } from '@assay/observability';
import { startAggregatorService } from './aggregator-service.js';

const config = loadConfigOrExit('aggregator');
const logger = createLogger('aggregator', config.logLevel);
const registry = createMetricsRegistry('aggregator');
const service = await startAggregatorService(config, logger, registry);
const ops = await startOpsServer({ host: config.host, port: config.port, registry, readiness: () => service.readiness() });
logger.info({ metrics: `http://${config.host}:${config.port}/metrics` }, 'aggregator listening');
handleShutdown(logger, async () => {
  ops.close();
  await service.close();
});
