import type { Redis } from 'ioredis';
import type { Censoring, NearDuplicates, ResultRecord, RunSummary, ScoreStats } from '@assay/contracts';
import { globalKeys, runKeys, withRedisLock } from '@assay/runs';
import { binOf, quantiles } from './ddsketch.js';
import {
  NEAR_DUPLICATES_LUA,
  nearDuplicateArgs,
  nearDuplicateSettings,
  nearDuplicatesOf,
  type NearDuplicateOptions,
} from './near-duplicates.js';

/**
 * Applies one result record atomically: the dedupe mark, the outcome counters, the record appended to the
 * part buffer, every score's moments and sketch bin, the threshold counters and the near-duplicate index
 * — all or nothing, so a redelivered result is counted exactly once. Moments are kept shifted by the first
 * value seen (numerically stable variance). KEYS: done, agg, stats, bins, buffer, mih. ARGV: assetId,
 * status, reason, record, n, n × (score, value, bin), m, m × agg counter field, pHash ('' = none),
 * max distance, candidate cap.
 */
const APPLY = `${NEAR_DUPLICATES_LUA}
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
if ARGV[3] ~= '' then redis.call('HINCRBY', KEYS[2], 'failed|' .. ARGV[3], 1) end
redis.call('RPUSH', KEYS[5], ARGV[4])
redis.call('HINCRBY', KEYS[2], 'appended', 1)
local n = tonumber(ARGV[5])
for i = 0, n - 1 do
  local k = ARGV[6 + i * 3]
  local vs = ARGV[7 + i * 3]
  local v = tonumber(vs)
  redis.call('HSETNX', KEYS[3], k .. '|shift', vs)
  local d = v - tonumber(redis.call('HGET', KEYS[3], k .. '|shift'))
  redis.call('HINCRBY', KEYS[3], k .. '|n', 1)
  redis.call('HINCRBYFLOAT', KEYS[3], k .. '|s1', d)
  redis.call('HINCRBYFLOAT', KEYS[3], k .. '|s2', d * d)
  local mn = redis.call('HGET', KEYS[3], k .. '|min')
  if (not mn) or v < tonumber(mn) then redis.call('HSET', KEYS[3], k .. '|min', vs) end
  local mx = redis.call('HGET', KEYS[3], k .. '|max')
  if (not mx) or v > tonumber(mx) then redis.call('HSET', KEYS[3], k .. '|max', vs) end
  redis.call('HINCRBY', KEYS[4], k .. '|' .. ARGV[8 + i * 3], 1)
end
local c = 6 + n * 3
for j = 1, tonumber(ARGV[c]) do redis.call('HINCRBY', KEYS[2], ARGV[c + j], 1) end
local p = c + tonumber(ARGV[c]) + 1
if ARGV[p] and ARGV[p] ~= '' then nd_apply(KEYS[6], KEYS[2], ARGV[p], ARGV[p + 1], tonumber(ARGV[p + 2])) end
return 1
`;

const ADVANCE_FLUSHED = `
if tonumber(redis.call('HGET', KEYS[1], 'flushed') or '0') ~= tonumber(ARGV[1]) then return 0 end
redis.call('LTRIM', KEYS[2], tonumber(ARGV[2]), -1)
redis.call('HINCRBY', KEYS[1], 'flushed', tonumber(ARGV[2]))
return 1
`;

export interface AggregateState {
  completed: number;
  failed: number;
  failures: Record<string, number>;
  /** statistics of measured values only */
  scores: Record<string, ScoreStats>;
  /** per score: values at a measurement floor or cap, left out of `scores` */
  censored: RunSummary['censored'];
  metricVersions: RunSummary['metricVersions'];
  passRates: RunSummary['passRates'];
  nearDuplicates: NearDuplicates;
}

const withCount = (xs: string[]) => [String(xs.length), ...xs];

/** `censored|<score>|below|above` per censored score: counted instead of entering the moments and sketch. */
function censoredCounters(record: ResultRecord): string[] {
  return Object.entries(record.censored ?? {}).map(([score, side]) => `censored|${score}|${side}`);
}

/** `checks|pass|fail` per asset and `check|<score>|pass|fail|skip` per thresholded score. */
function checkCounters(record: ResultRecord): string[] {
  const c = record.checks;
  if (!c) return [];
  return [
    `checks|${c.pass ? 'pass' : 'fail'}`,
    ...c.passed.map((s) => `check|${s}|pass`),
    ...c.failures.map((f) => `check|${f.score}|fail`),
    ...c.skipped.map((s) => `check|${s}|skip`),
  ];
}

/** `version|<metric>|<version>` per metric that produced a value: which metric versions scored the run. */
function versionCounters(record: ResultRecord): string[] {
  return record.metrics.filter((m) => m.status === 'ok').map((m) => `version|${m.metric}|${m.version}`);
}

const rate = (passed: number, failed: number) => (passed + failed ? passed / (passed + failed) : null);

function passRatesOf(agg: Record<string, string>): RunSummary['passRates'] {
  const n = (f: string) => Number(agg[f] ?? 0);
  const scores: RunSummary['passRates']['scores'] = {};
  for (const field of Object.keys(agg)) {
    if (!field.startsWith('check|')) continue;
    const score = field.slice('check|'.length, field.lastIndexOf('|'));
    if (scores[score]) continue;
    const [passed, failed, skipped] = ['pass', 'fail', 'skip'].map((o) => n(`check|${score}|${o}`));
    scores[score] = { passed, failed, skipped, rate: rate(passed, failed) };
  }
  const [passed, failed] = [n('checks|pass'), n('checks|fail')];
  return { assets: { passed, failed, rate: rate(passed, failed) }, scores };
}

export class RunAggregates {
  private readonly nearDuplicates: { maxDistance: number; maxCandidates: number };

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: { nearDuplicates?: NearDuplicateOptions } = {},
  ) {
    this.nearDuplicates = nearDuplicateSettings(options.nearDuplicates);
  }

  /** Returns false when this asset's result was already applied (a redelivery). */
  async apply(record: ResultRecord): Promise<boolean> {
    const k = runKeys(this.prefix, record.runId);
    // censored values are floors or caps, not measurements: they would drag means and quantiles
    const scores = Object.entries(record.scores).filter(([key, v]) => Number.isFinite(v) && !record.censored?.[key]);
    const argv = [
      record.assetId,
      record.status,
      record.status === 'failed' ? (record.failure?.code ?? 'internal_error') : '',
      JSON.stringify(record),
      String(scores.length),
      ...scores.flatMap(([key, v]) => [key, String(v), binOf(v)]),
      ...withCount([...checkCounters(record), ...censoredCounters(record), ...versionCounters(record)]),
      ...nearDuplicateArgs(record, this.nearDuplicates),
    ];
    const applied = (await this.redis.eval(APPLY, 6, k.done, k.agg, k.stats, k.bins, k.buffer, k.mih, ...argv)) === 1;
    if (applied) await this.redis.sadd(globalKeys(this.prefix).dirty, record.runId);
    return applied;
  }

  async state(runId: string): Promise<AggregateState> {
    const k = runKeys(this.prefix, runId);
    const [agg, stats, bins] = await Promise.all([this.redis.hgetall(k.agg), this.redis.hgetall(k.stats), this.redis.hgetall(k.bins)]);
    const failures: Record<string, number> = {};
    const censored: RunSummary['censored'] = {};
    const metricVersions: RunSummary['metricVersions'] = {};
    for (const [field, v] of Object.entries(agg)) {
      if (field.startsWith('failed|')) failures[field.slice(7)] = Number(v);
      else if (field.startsWith('version|')) {
        const [, metric, version] = field.split('|');
        (metricVersions[metric] ??= {})[version] = Number(v);
      } else if (field.startsWith('censored|')) {
        const side = field.slice(field.lastIndexOf('|') + 1) as Censoring;
        const score = field.slice('censored|'.length, field.lastIndexOf('|'));
        (censored[score] ??= { below: 0, above: 0 })[side] = Number(v);
      }
    }
    const binsByScore = new Map<string, { bin: string; count: number }[]>();
    for (const [field, v] of Object.entries(bins)) {
      const cut = field.indexOf('|');
      const key = field.slice(0, cut);
      const list = binsByScore.get(key) ?? [];
      list.push({ bin: field.slice(cut + 1), count: Number(v) });
      binsByScore.set(key, list);
    }
    const scores: Record<string, ScoreStats> = {};
    for (const field of Object.keys(stats)) {
      if (!field.endsWith('|n')) continue;
      const key = field.slice(0, -2);
      const n = Number(stats[`${key}|n`]);
      const shift = Number(stats[`${key}|shift`]);
      const s1 = Number(stats[`${key}|s1`]);
      const s2 = Number(stats[`${key}|s2`]);
      const min = Number(stats[`${key}|min`]);
      const max = Number(stats[`${key}|max`]);
      const meanShifted = s1 / n;
      const [p5, p50, p95] = quantiles(binsByScore.get(key) ?? [], [0.05, 0.5, 0.95], min, max);
      scores[key] = {
        count: n,
        mean: shift + meanShifted,
        std: Math.sqrt(Math.max(0, s2 / n - meanShifted * meanShifted)),
        min,
        max,
        p5,
        p50,
        p95,
      };
    }
    return {
      completed: Number(agg.completed ?? 0),
      failed: Number(agg.failed ?? 0),
      failures,
      scores,
      censored,
      metricVersions,
      passRates: passRatesOf(agg),
      nearDuplicates: nearDuplicatesOf(agg, this.nearDuplicates.maxDistance),
    };
  }

  /** Up to `max` buffered records and the stream offset of the first; stable until `advance` is called. */
  async buffered(runId: string, max: number): Promise<{ offset: number; lines: string[] }> {
    const k = runKeys(this.prefix, runId);
    const [flushed, lines] = await Promise.all([this.redis.hget(k.agg, 'flushed'), this.redis.lrange(k.buffer, 0, max - 1)]);
    return { offset: Number(flushed ?? 0), lines };
  }

  /** After the part at `offset` is safely in S3: drop its records from the buffer. */
  async advance(runId: string, offset: number, count: number): Promise<boolean> {
    const k = runKeys(this.prefix, runId);
    return (await this.redis.eval(ADVANCE_FLUSHED, 2, k.agg, k.buffer, offset, count)) === 1;
  }

  async popDirty(max: number): Promise<string[]> {
    return await this.redis.spop(globalKeys(this.prefix).dirty, max);
  }

  async markDirty(runId: string): Promise<void> {
    await this.redis.sadd(globalKeys(this.prefix).dirty, runId);
  }

  /** A per-run lock so only one aggregator replica writes a run's parts and summary at a time. */
  withLock<T>(runId: string, ttlMs: number, fn: () => Promise<T>) {
    return withRedisLock(this.redis, runKeys(this.prefix, runId).lock, ttlMs, fn);
  }
}
