import { loadConfigOrExit, type AssayConfig } from '@assay/config';
import { createLogger, createMetricsRegistry, startOpsServer, type Logger, type ReadinessReport } from '@assay/observability';
import type { Registry } from 'prom-client';
import { handleShutdown } from './shutdown.js';

export interface OpsService {
  readiness(): Promise<ReadinessReport>;
  close(): Promise<void>;
  /** a second signal during close(): stop waiting for active work (optional) */
  abortActive?(): void;
}

/**
 * The entry point of a service without an API of its own (worker, aggregator): validated config, logger,
 * metrics registry, the service, its `/healthz` `/readyz` `/metrics` endpoints, graceful shutdown.
 */
export async function runOpsService(
  name: string,
  start: (config: AssayConfig, logger: Logger, registry: Registry) => Promise<OpsService>,
): Promise<void> {
  const config = loadConfigOrExit(name);
  const logger = createLogger(name, config.logLevel);
  const registry = createMetricsRegistry(name);
  const service = await start(config, logger, registry);
  const ops = await startOpsServer({ host: config.host, port: config.port, registry, readiness: () => service.readiness() });
  logger.info({ metrics: `http://${config.host}:${config.port}/metrics` }, `${name} listening`);
  handleShutdown(
    logger,
    async () => {
      ops.close();
      await service.close();
    },
    // active jobs get their grace period, closing the connections a little more
    { force: () => service.abortActive?.(), deadlineMs: config.worker.shutdownGraceMs + 5_000 },
  );
}
