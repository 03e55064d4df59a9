import type { Redis } from 'ioredis';
import type { ModelInfo } from './model-registry.js';

/** What one worker process reports about its models. */
export interface WorkerModels {
  instance: string;
  host: string;
  pid: number;
  models: ModelInfo[];
  /** models that were needed but refused (hash, graph, file), with the reason */
  refused: { id: string; reason: string }[];
  updatedAt: string;
}

const TTL_SECONDS = 90;

/**
 * Workers publish the models they have loaded (refreshed every 30 s, expiring after 90 s when a worker is
 * gone); the API reads them for `GET /v1/models`. One key per worker process, so the list needs no cleanup.
 */
export class ModelDirectory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(instance: string): string {
    return `${this.prefix}:workers:models:${instance}`;
  }

  async publish(report: WorkerModels): Promise<void> {
    await this.redis.set(this.key(report.instance), JSON.stringify(report), 'EX', TTL_SECONDS);
  }

  async withdraw(instance: string): Promise<void> {
    await this.redis.del(this.key(instance));
  }

  async list(): Promise<WorkerModels[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', this.key('*'), 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (!keys.length) return [];
    const values = await this.redis.mget(...keys);
    return values.flatMap((v) => (v ? [JSON.parse(v) as WorkerModels] : []));
  }
}

export const MODEL_REPORT_INTERVAL_MS = 30_000;
