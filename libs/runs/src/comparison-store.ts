import type { Redis } from 'ioredis';
import type { ComparisonRecord, ComparisonStatus, FailureReason, Verdict } from '@assay/contracts';

/** A comparison's request and its state: queued → running → done | failed (running again after a retry). */
export interface ComparisonState {
  record: ComparisonRecord;
  status: ComparisonStatus;
  startedAt?: string;
  finishedAt?: string;
  error?: FailureReason;
  verdict?: Verdict;
}

export const comparisonKeys = (prefix: string, id: string) => ({
  /** hash: record (JSON), status, startedAt, finishedAt, error (JSON), verdict */
  comparison: `${prefix}:comparison:{${id}}`,
});

/** Comparisons in Redis, by id; their results live in S3 (`comparisons/<id>/`). */
export class ComparisonStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async create(record: ComparisonRecord): Promise<void> {
    await this.redis.hset(comparisonKeys(this.prefix, record.id).comparison, { record: JSON.stringify(record), status: 'queued' });
  }

  async get(id: string): Promise<ComparisonState | undefined> {
    const h = await this.redis.hgetall(comparisonKeys(this.prefix, id).comparison);
    if (!h.record) return undefined;
    return {
      record: JSON.parse(h.record) as ComparisonRecord,
      status: h.status as ComparisonStatus,
      ...(h.startedAt ? { startedAt: h.startedAt } : {}),
      ...(h.finishedAt ? { finishedAt: h.finishedAt } : {}),
      ...(h.error ? { error: JSON.parse(h.error) as FailureReason } : {}),
      ...(h.verdict ? { verdict: h.verdict as Verdict } : {}),
    };
  }

  async markRunning(id: string): Promise<void> {
    const key = comparisonKeys(this.prefix, id).comparison;
    await this.redis.multi().hset(key, { status: 'running', startedAt: new Date().toISOString() }).hdel(key, 'error', 'finishedAt').exec();
  }

  async markDone(id: string, verdict: Verdict): Promise<void> {
    await this.redis.hset(comparisonKeys(this.prefix, id).comparison, { status: 'done', verdict, finishedAt: new Date().toISOString() });
  }

  async markFailed(id: string, error: FailureReason): Promise<void> {
    await this.redis.hset(comparisonKeys(this.prefix, id).comparison, {
      status: 'failed',
      error: JSON.stringify(error),
      finishedAt: new Date().toISOString(),
    });
  }

  /** Back to queued: the job will be retried (a dependency was down). */
  async markQueued(id: string): Promise<void> {
    await this.redis.hset(comparisonKeys(this.prefix, id).comparison, { status: 'queued' });
  }
}
