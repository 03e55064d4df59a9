import type { AssayConfig } from '@assay/config';
import type { DependencyCheck, Logger } from '@assay/observability';
import type { ConsumerSettings } from '@assay/queue';
import type { Registry } from 'prom-client';

/** The settings every queue consumer of this deployment shares, from the configuration. */
export function consumerSettings(
  config: AssayConfig,
  logger: Logger,
  registry: Registry,
  dependencies: DependencyCheck[],
): ConsumerSettings {
  return {
    redisUrl: config.redis.url,
    basePrefix: config.redis.prefix,
    lockDurationMs: config.worker.lockDurationMs,
    stalledIntervalMs: config.worker.stalledIntervalMs,
    logger,
    registry,
    dependencies,
  };
}
