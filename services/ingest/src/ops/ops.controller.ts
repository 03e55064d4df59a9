import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { AssayConfig } from '@assay/config';
import { RETRY_AFTER_SECONDS, runChecks, type ReadinessReport } from '@assay/observability';
import type { ObjectStore } from '@assay/storage';
import { CONFIG, METRICS_REGISTRY, OBJECT_STORE, REDIS } from '../tokens.js';

/** Unauthenticated probes and the Prometheus scrape endpoint. */
@Controller()
export class OpsController {
  constructor(
    @Inject(CONFIG) private readonly config: AssayConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  @Get('healthz')
  health() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res() res: Response): Promise<void> {
    const checks = await runChecks([
      { name: 'redis', check: () => this.redis.ping() },
      { name: 's3', check: () => this.store.ping(this.config.s3.bucket) },
    ]);
    const ready = Object.values(checks).every((c) => c.ok);
    if (!ready) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    res.status(ready ? 200 : 503).json({ ready, checks } satisfies ReadinessReport);
  }

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    res.setHeader('content-type', this.registry.contentType);
    res.send(await this.registry.metrics());
  }
}
