import type { Redis } from 'ioredis';
import {
  AssayError,
  ErrorCode,
  type EventBatchResult,
  type EventImport,
  type ExperimentEvent,
  type ExperimentRecord,
  type UnitCovariates,
} from '@assay/contracts';
import { ingestArgs, unitShard } from './event-args.js';
import { experimentGlobalKeys, experimentKeys, UNIT_SHARDS } from './experiment-keys.js';
import { INGEST } from './ingest-script.js';

export interface ExperimentCounts {
  events: number;
  duplicates: number;
  /** units in exactly one variant */
  units: number;
  crossover: number;
  unitsByVariant: Record<string, number>;
}

/** One unit's aggregate: [variant index (−1: crossover), first day, counts by event type…, value sums by event type…]. */
export type UnitRow = number[];

export interface UnitShard {
  units: [unitId: string, row: UnitRow][];
  /** covariate name → unit id → pre-period value, for this shard's units */
  covariates: Map<string, Map<string, number>>;
}

/** Shards read per pipeline while scanning units: bounded memory in Redis replies, few round trips. */
const SHARDS_PER_READ = 256;

export const experimentStoppedError = (id: string) =>
  new AssayError(ErrorCode.ExperimentStopped, `experiment ${id} is stopped: it takes no more events`);

/** Experiments in Redis: the record, live counts, per-unit and per-asset aggregates, imports (docs/experiments.md). */
export class ExperimentStore {
  private readonly global: ReturnType<typeof experimentGlobalKeys>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.global = experimentGlobalKeys(prefix);
  }

  keys(experimentId: string) {
    return experimentKeys(this.prefix, experimentId);
  }

  async create(record: ExperimentRecord): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys(record.id).experiment, 'record', JSON.stringify(record), 'status', record.status)
      .zadd(this.global.index, Date.parse(record.createdAt), record.id)
      .exec();
  }

  async get(experimentId: string): Promise<ExperimentRecord | undefined> {
    const [record, status] = await this.redis.hmget(this.keys(experimentId).experiment, 'record', 'status');
    if (!record) return undefined;
    return { ...(JSON.parse(record) as ExperimentRecord), status: status as ExperimentRecord['status'] };
  }

  async require(experimentId: string): Promise<ExperimentRecord> {
    const experiment = await this.get(experimentId);
    if (!experiment) throw new AssayError(ErrorCode.ExperimentNotFound, `no experiment ${experimentId}`);
    return experiment;
  }

  /** Newest first. */
  list(limit = 100): Promise<string[]> {
    return this.redis.zrevrange(this.global.index, 0, limit - 1);
  }

  async stop(experimentId: string, stoppedAt: string): Promise<ExperimentRecord> {
    const experiment = await this.require(experimentId);
    const stopped: ExperimentRecord = { ...experiment, status: 'stopped', stoppedAt: experiment.stoppedAt ?? stoppedAt };
    await this.redis.hset(this.keys(experimentId).experiment, 'record', JSON.stringify(stopped), 'status', 'stopped');
    return stopped;
  }

  async counts(experiment: ExperimentRecord): Promise<ExperimentCounts> {
    const all = await this.redis.hgetall(this.keys(experiment.id).experiment);
    const num = (field: string) => Number(all[field] ?? 0);
    const unitsByVariant = Object.fromEntries(experiment.variants.map((v, i) => [v.key, num(`n:${i}`)]));
    return {
      events: num('events'),
      duplicates: num('duplicates'),
      units: Object.values(unitsByVariant).reduce((a, b) => a + b, 0),
      crossover: num('crossover'),
      unitsByVariant,
    };
  }

  /** Folds events (their variants already checked) into the aggregates; an event id seen before is not counted again. */
  async ingest(experiment: ExperimentRecord, events: readonly ExperimentEvent[]): Promise<EventBatchResult> {
    if (events.length === 0) return { accepted: 0, duplicates: 0, units: 0 };
    const variantIndex = new Map(experiment.variants.map((v, i) => [v.key, i]));
    const [accepted, duplicates, units] = (await this.redis.eval(
      INGEST,
      1,
      this.keys(experiment.id).experiment,
      ...ingestArgs(events, variantIndex),
    )) as number[];
    if (accepted < 0) throw experimentStoppedError(experiment.id);
    return { accepted, duplicates, units };
  }

  /** Pre-period covariates: the last value sent for a unit and name wins. */
  async setCovariates(experiment: ExperimentRecord, units: readonly UnitCovariates[]): Promise<void> {
    if (units.length === 0) return;
    const k = this.keys(experiment.id);
    const multi = this.redis.multi();
    const names = new Set<string>();
    for (const { unitId, covariates } of units) {
      const shard = unitShard(unitId);
      for (const [name, value] of Object.entries(covariates)) {
        names.add(name);
        multi.hset(k.covariate(name, shard), unitId, value);
      }
    }
    if (names.size) multi.sadd(k.covariateNames, ...names);
    await multi.exec();
  }

  covariateNames(experimentId: string): Promise<string[]> {
    return this.redis.smembers(this.keys(experimentId).covariateNames);
  }

  /** Every unit's aggregate, shard by shard, with the named covariates of the same units. */
  async *unitShards(experimentId: string, covariates: readonly string[]): AsyncGenerator<UnitShard> {
    const k = this.keys(experimentId);
    for (let first = 0; first < UNIT_SHARDS; first += SHARDS_PER_READ) {
      const pipeline = this.redis.pipeline();
      const shards = Array.from({ length: Math.min(SHARDS_PER_READ, UNIT_SHARDS - first) }, (_, i) => first + i);
      for (const s of shards) {
        pipeline.hgetall(k.units(s));
        for (const name of covariates) pipeline.hgetall(k.covariate(name, s));
      }
      const replies = (await pipeline.exec()) ?? [];
      let r = 0;
      for (let s = 0; s < shards.length; s++) {
        const units = Object.entries(replies[r++][1] as Record<string, string>).map(([id, json]): [string, UnitRow] => [
          id,
          JSON.parse(json) as UnitRow,
        ]);
        const cov = new Map<string, Map<string, number>>();
        for (const name of covariates) {
          cov.set(name, new Map(Object.entries(replies[r++][1] as Record<string, string>).map(([id, v]) => [id, Number(v)])));
        }
        if (units.length) yield { units, covariates: cov };
      }
    }
  }

  /** Per asset shown: `<variant index>|<asset id>` → [counts by event type…, value sums by event type…]. */
  async assets(experimentId: string): Promise<Map<string, number[]>> {
    const all = await this.redis.hgetall(this.keys(experimentId).assets);
    return new Map(Object.entries(all).map(([field, json]) => [field, JSON.parse(json) as number[]]));
  }

  async saveImport(record: EventImport): Promise<void> {
    await this.redis.hset(this.keys(record.experimentId).imports, record.importId, JSON.stringify(record));
  }

  async getImport(experimentId: string, importId: string): Promise<EventImport> {
    const json = await this.redis.hget(this.keys(experimentId).imports, importId);
    if (!json) throw new AssayError(ErrorCode.ImportNotFound, `experiment ${experimentId} has no import ${importId}`);
    return JSON.parse(json) as EventImport;
  }

  async listImports(experimentId: string): Promise<EventImport[]> {
    const all = await this.redis.hvals(this.keys(experimentId).imports);
    return all.map((json) => JSON.parse(json) as EventImport).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}
