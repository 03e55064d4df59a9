import type { Redis } from 'ioredis';
import {
  newRunId,
  type AssetRecord,
  type CreateRunRequest,
  type FailureReason,
  type RunCounts,
  type RunMetricsStatus,
  type RunRecord,
  type RunStatus,
} from '@assay/contracts';
import { globalKeys, runKeys } from './keys.js';
import { withRedisLock } from './redis-lock.js';

const RECORD_ASSETS = `
local n = 0
local results = {}
for i = 1, #ARGV - 1, 3 do
  local added = redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1])
  results[#results + 1] = added
  if added == 1 then
    n = n + 1
    if ARGV[i + 2] == '1' then redis.call('SADD', KEYS[3], ARGV[i]) end
  end
end
redis.call('HINCRBY', KEYS[1], 'submitted', n)
redis.call('HINCRBY', KEYS[1], 'duplicates', #results - n + tonumber(ARGV[#ARGV]))
return results
`;

const SET_STATUS_IF = `
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return nil end
if current == ARGV[1] then
  redis.call('HSET', KEYS[1], 'status', ARGV[2])
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'closedAt', ARGV[3]) end
  return ARGV[2]
end
return current
`;

/**
 * An asset's content. The first upload binds its sha256 to the asset for good (`bindContent`); it is
 * `uploading` until its bytes are stored and its job queued, then `uploaded`.
 */
export type UploadState =
  | { kind: 'awaiting' }
  | { kind: 'uploading'; sha256: string }
  | { kind: 'uploaded'; sha256: string }
  | { kind: 'has_uri' }
  | { kind: 'unknown' };

/** What `bindContent` found: the asset was free and is now bound, was bound to these bytes, or to others. */
export type ContentBinding =
  { kind: 'bound' } | { kind: 'same'; uploaded: boolean } | { kind: 'conflict'; sha256: string } | { kind: 'not_awaiting' };

const BIND_CONTENT = `
local bound = redis.call('HGET', KEYS[1], ARGV[1])
local awaiting = redis.call('SISMEMBER', KEYS[2], ARGV[1])
if bound then
  if bound == ARGV[2] then return {'same', awaiting} end
  return {'conflict', bound}
end
if awaiting == 0 then return {'not_awaiting'} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {'bound'}
`;

/** Runs and the assets they accepted, in Redis. Idempotent by (run, asset id). */
export class RunStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  keys(runId: string) {
    return runKeys(this.prefix, runId);
  }

  /** `id`: one chosen beforehand (a sweep keeps it before the run exists, to find the run again after a crash) */
  async create(req: CreateRunRequest, id?: string): Promise<RunRecord> {
    // one clock reading: the index score is exactly createdAt, so listing by creation time agrees with the records
    const now = Date.now();
    const record: RunRecord = { id: id ?? newRunId(now), ...req, createdAt: new Date(now).toISOString(), status: 'open' };
    const k = this.keys(record.id);
    await this.redis.hset(k.run, { record: JSON.stringify(record), status: 'open', submitted: 0, duplicates: 0 });
    await this.redis.zadd(globalKeys(this.prefix).runIndex, now, record.id);
    return record;
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const [record, status, closedAt] = await this.redis.hmget(this.keys(runId).run, 'record', 'status', 'closedAt');
    if (!record) return undefined;
    const r = JSON.parse(record) as RunRecord;
    return { ...r, status: (status as RunStatus) ?? r.status, ...(closedAt ? { closedAt } : {}) };
  }

  /** Asset ids among `assetIds` the run already has. */
  async existing(runId: string, assetIds: string[]): Promise<Set<string>> {
    if (!assetIds.length) return new Set();
    const found = await this.redis.hmget(this.keys(runId).assets, ...assetIds);
    return new Set(assetIds.filter((_, i) => found[i] !== null));
  }

  /**
   * Records assets (call after their jobs are queued, so a crash in between leaves a job, never a lost
   * asset). Returns, per asset, whether it was new. Assets without a URI join the awaiting-content set.
   * `knownDuplicates` adds resubmissions the caller already filtered out to the run's duplicate count.
   */
  async record(runId: string, assets: AssetRecord[], knownDuplicates = 0): Promise<boolean[]> {
    if (!assets.length && !knownDuplicates) return [];
    const k = this.keys(runId);
    const argv = [...assets.flatMap((a) => [a.assetId, JSON.stringify(a), a.uri ? '0' : '1']), String(knownDuplicates)];
    const res = (await this.redis.eval(RECORD_ASSETS, 3, k.run, k.assets, k.awaiting, ...argv)) as number[];
    return res.map((r) => r === 1);
  }

  async getAsset(runId: string, assetId: string): Promise<AssetRecord | undefined> {
    const json = await this.redis.hget(this.keys(runId).assets, assetId);
    return json ? (JSON.parse(json) as AssetRecord) : undefined;
  }

  async uploadState(runId: string, asset: AssetRecord): Promise<UploadState> {
    if (asset.uri) return { kind: 'has_uri' };
    const k = this.keys(runId);
    const [awaiting, sha] = await Promise.all([this.redis.sismember(k.awaiting, asset.assetId), this.redis.hget(k.content, asset.assetId)]);
    if (sha) return awaiting ? { kind: 'uploading', sha256: sha } : { kind: 'uploaded', sha256: sha };
    return awaiting ? { kind: 'awaiting' } : { kind: 'unknown' };
  }

  /**
   * Binds `sha256` to an asset that awaits content, atomically: of concurrent uploads of different bytes
   * exactly one binds, and the asset's content can never change afterwards. Uploads of the bound bytes get
   * `same` and may repeat the (idempotent) rest of the upload, which is how an interrupted one completes.
   */
  async bindContent(runId: string, assetId: string, sha256: string): Promise<ContentBinding> {
    const k = this.keys(runId);
    const [kind, value] = (await this.redis.eval(BIND_CONTENT, 2, k.content, k.awaiting, assetId, sha256)) as [
      string,
      string | number | undefined,
    ];
    if (kind === 'same') return { kind, uploaded: value === 0 };
    if (kind === 'conflict') return { kind, sha256: String(value) };
    return { kind: kind as 'bound' | 'not_awaiting' };
  }

  /** Runs `fn` as the one writer of a content object of the run (see `withRedisLock`). */
  withContentWrite<T>(runId: string, sha256: string, ttlMs: number, fn: () => Promise<T>) {
    return withRedisLock(this.redis, this.keys(runId).contentWrite(sha256), ttlMs, fn);
  }

  /** Marks bound content stored and queued (call after the job is added). */
  async markUploaded(runId: string, assetId: string): Promise<void> {
    await this.redis.srem(this.keys(runId).awaiting, assetId);
  }

  /** Takes an asset out of the awaiting set; true if this call did (so exactly one closer fails it). */
  async takeAwaiting(runId: string, assetId: string): Promise<boolean> {
    return (await this.redis.srem(this.keys(runId).awaiting, assetId)) === 1;
  }

  async awaitingIds(runId: string): Promise<string[]> {
    return this.redis.smembers(this.keys(runId).awaiting);
  }

  /** open → closing; returns the status after the call (undefined: no such run). */
  async requestClose(runId: string): Promise<RunStatus | undefined> {
    return ((await this.redis.eval(SET_STATUS_IF, 1, this.keys(runId).run, 'open', 'closing', '')) as RunStatus | null) ?? undefined;
  }

  /** closing → closed at `closedAt` (the time the final summary records); returns the status after the call. */
  async markClosed(runId: string, closedAt = new Date().toISOString()): Promise<RunStatus | undefined> {
    return (
      ((await this.redis.eval(SET_STATUS_IF, 1, this.keys(runId).run, 'closing', 'closed', closedAt)) as RunStatus | null) ?? undefined
    );
  }

  async counts(runId: string): Promise<RunCounts> {
    const k = this.keys(runId);
    const [[submitted, duplicates], [completed, failed], awaiting] = await Promise.all([
      this.redis.hmget(k.run, 'submitted', 'duplicates'),
      this.redis.hmget(k.agg, 'completed', 'failed'),
      this.redis.scard(k.awaiting),
    ]);
    const n = (v: string | null) => Number(v ?? 0);
    return {
      submitted: n(submitted),
      awaitingContent: awaiting,
      pending: Math.max(0, n(submitted) - awaiting - n(completed) - n(failed)),
      completed: n(completed),
      failed: n(failed),
      duplicates: n(duplicates),
    };
  }

  /** The state of the run-level metrics computed after the run closed (pending until a job takes them). */
  async runMetricsState(runId: string): Promise<{ status: RunMetricsStatus; error?: FailureReason } | undefined> {
    const raw = await this.redis.hget(this.keys(runId).run, 'runMetrics');
    return raw ? (JSON.parse(raw) as { status: RunMetricsStatus; error?: FailureReason }) : undefined;
  }

  async setRunMetricsState(runId: string, state: { status: RunMetricsStatus; error?: FailureReason }): Promise<void> {
    await this.redis.hset(this.keys(runId).run, 'runMetrics', JSON.stringify(state));
  }

  async isDone(runId: string, assetId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys(runId).done, assetId)) ?? undefined;
  }

  /** Assets with no result yet, in pages (HSCAN: no blocking on large runs). */
  async *unfinished(runId: string, pageSize = 500): AsyncGenerator<AssetRecord[]> {
    const k = this.keys(runId);
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(k.assets, cursor, 'COUNT', pageSize);
      cursor = next;
      const page: AssetRecord[] = [];
      for (let i = 0; i < flat.length; i += 2) page.push(JSON.parse(flat[i + 1]) as AssetRecord);
      if (!page.length) continue;
      const done = await this.redis.hmget(k.done, ...page.map((a) => a.assetId));
      const open = page.filter((_, i) => done[i] === null);
      if (open.length) yield open;
    } while (cursor !== '0');
  }
}
