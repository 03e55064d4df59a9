import type { Redis } from 'ioredis';
import type { SweepRunRecord, Verdict } from '@assay/contracts';

/** The last sweep run that ended with a published outcome: the `previous` baseline and the freshness gauge. */
export interface SweepSuccess {
  date: string;
  runId: string;
  verdict?: Verdict;
  finishedAt: string;
}

export const sweepKeys = (prefix: string, sweep: string) => ({
  /** hash: <date> → the latest attempt's SweepRunRecord (JSON); `last-success` → SweepSuccess (JSON) */
  sweep: `${prefix}:sweep:{${sweep}}`,
});

const LAST_SUCCESS = 'last-success';

/** Writes ARGV[2] to field ARGV[1] when the stored record's attempt is ARGV[3] (0: none stored yet). */
const PUT_IF_ATTEMPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local attempt = 0
if current then attempt = cjson.decode(current).attempt end
if attempt ~= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/** Sweep runs in Redis, one hash per sweep (its name is the hash tag). */
export class SweepStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(sweep: string) {
    return sweepKeys(this.prefix, sweep).sweep;
  }

  async get(sweep: string, date: string): Promise<SweepRunRecord | undefined> {
    const json = await this.redis.hget(this.key(sweep), date);
    return json ? (JSON.parse(json) as SweepRunRecord) : undefined;
  }

  /**
   * Stores a new attempt if the date's stored attempt is still `record.attempt - 1`: of two replicas (or a tick
   * and a trigger) beginning the same attempt, exactly one does.
   */
  async begin(record: SweepRunRecord): Promise<boolean> {
    return (
      (await this.redis.eval(PUT_IF_ATTEMPT, 1, this.key(record.sweep), record.date, JSON.stringify(record), record.attempt - 1)) === 1
    );
  }

  /** Saves a step's result; false when a newer attempt replaced this one (the old job then stops). */
  async save(record: SweepRunRecord): Promise<boolean> {
    return (await this.redis.eval(PUT_IF_ATTEMPT, 1, this.key(record.sweep), record.date, JSON.stringify(record), record.attempt)) === 1;
  }

  async markSuccess(sweep: string, success: SweepSuccess): Promise<void> {
    const current = await this.lastSuccess(sweep);
    // a re-run of an older date must not move the baseline back
    if (current && current.date > success.date) return;
    await this.redis.hset(this.key(sweep), LAST_SUCCESS, JSON.stringify(success));
  }

  async lastSuccess(sweep: string): Promise<SweepSuccess | undefined> {
    const json = await this.redis.hget(this.key(sweep), LAST_SUCCESS);
    return json ? (JSON.parse(json) as SweepSuccess) : undefined;
  }

  /** The sweep's runs, newest date first. */
  async recent(sweep: string, limit = 30): Promise<SweepRunRecord[]> {
    const all = await this.redis.hgetall(this.key(sweep));
    return Object.entries(all)
      .filter(([field]) => field !== LAST_SUCCESS)
      .sort(([a], [b]) => b.localeCompare(a))
      .slice(0, limit)
      .map(([, json]) => JSON.parse(json) as SweepRunRecord);
  }
}
