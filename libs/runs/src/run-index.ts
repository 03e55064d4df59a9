import type { Redis } from 'ioredis';
import { globalKeys } from './keys.js';

/** A run's place in the index: its score (creation time, ms) and id. Runs are ordered by (score, id). */
export interface RunIndexEntry {
  score: number;
  id: string;
}

/** Creation time bounds in ms since the epoch: `from` inclusive, `to` exclusive. */
export interface RunIndexRange {
  from?: number;
  to?: number;
}

/**
 * Pages over the run index (`<prefix>:runs:index`, run ids scored by creation time), newest first. A page
 * starts strictly after an entry (score, id), not at a rank: runs created while a client pages have newer
 * scores and land before its position, so they never shift later pages (no duplicates, no gaps). Runs of
 * the same millisecond are ordered by id, descending, as Redis orders equal scores by member.
 */
export class RunIndex {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = globalKeys(prefix).runIndex;
  }

  /** Up to `count` entries after `after` (newest first) within `range`. */
  async page(after: RunIndexEntry | undefined, count: number, range: RunIndexRange = {}): Promise<RunIndexEntry[]> {
    const min = range.from === undefined ? '-inf' : String(range.from);
    const entries: RunIndexEntry[] = [];
    let max = range.to === undefined ? '+inf' : `(${range.to}`;
    // a cursor past the range's end starts at the range's end
    if (after && (range.to === undefined || after.score < range.to)) {
      // same-millisecond runs after the cursor's id first; there are few, so all are read
      if (range.from === undefined || after.score >= range.from) {
        const ties = await this.redis.zrangebyscore(this.key, after.score, after.score);
        for (const id of ties.filter((t) => t < after.id).reverse()) entries.push({ score: after.score, id });
      }
      max = `(${after.score}`;
    }
    if (entries.length >= count) return entries.slice(0, count);
    const flat = await this.redis.zrevrangebyscore(this.key, max, min, 'WITHSCORES', 'LIMIT', 0, count - entries.length);
    for (let i = 0; i < flat.length; i += 2) entries.push({ id: flat[i], score: Number(flat[i + 1]) });
    return entries;
  }
}
