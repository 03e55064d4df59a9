#!/usr/bin/env node
import { loadConfigOrExit } from '@assay/config';
import { handleShutdown } from '@assay/lifecycle';
import { createLogger, createMetricsRegistry } from '@assay/observability';
import { createIngestApp } from './app.js';

const config = loadConfigOrExit('ingest');
const logger = createLogger('ingest', config.logLevel);
const registry = createMetricsRegistry('ingest');
const ingest = await createIngestApp(config, logger, registry);
logger.info({ api: `${ingest.url}/v1`, docs: `${ingest.url}/docs`, metrics: `${ingest.url}/metrics` }, 'ingest listening');
handleShutdown(logger, () => ingest.close());
