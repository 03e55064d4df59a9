import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AssayConfig } from '@assay/config';
import { ModelDirectory } from '@assay/models';
import type { ModelsReport } from '../api-schemas.js';
import { ApiKeyGuard } from '../http/api-key.guard.js';
import { CONFIG, REDIS } from '../tokens.js';

/** The models workers have loaded (reported by each worker every 30 s), with versions, hashes and providers. */
@Controller('v1/models')
@UseGuards(ApiKeyGuard)
export class ModelsController {
  private readonly directory: ModelDirectory;

  constructor(@Inject(CONFIG) config: AssayConfig, @Inject(REDIS) redis: Redis) {
    this.directory = new ModelDirectory(redis, config.redis.prefix);
  }

  @Get()
  async list(): Promise<ModelsReport> {
    const workers = await this.directory.list();
    const models = new Map<
      string,
      {
        id: string;
        version: string;
        task: string;
        sha256: string;
        license: string;
        manifest: string;
        providers: Record<string, number>;
        fellBack: number;
        workers: number;
      }
    >();
    const refused = new Map<string, { id: string; reason: string; workers: number }>();
    for (const w of workers) {
      for (const m of w.models) {
        const key = `${m.id}@${m.sha256}`;
        const entry = models.get(key) ?? {
          id: m.id,
          version: m.version,
          task: m.task,
          sha256: m.sha256,
          license: m.license,
          manifest: m.manifest,
          providers: {},
          fellBack: 0,
          workers: 0,
        };
        entry.workers++;
        entry.providers[m.provider] = (entry.providers[m.provider] ?? 0) + 1;
        if (m.fellBack) entry.fellBack++;
        models.set(key, entry);
      }
      for (const r of w.refused) {
        const entry = refused.get(`${r.id}:${r.reason}`) ?? { ...r, workers: 0 };
        entry.workers++;
        refused.set(`${r.id}:${r.reason}`, entry);
      }
    }
    return {
      models: [...models.values()].sort((a, b) => a.id.localeCompare(b.id)),
      refused: [...refused.values()],
      workers: workers.map((w) => ({ instance: w.instance, updatedAt: w.updatedAt, models: w.models.map((m) => m.id) })),
    };
  }
}
