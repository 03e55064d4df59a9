import { createHash } from 'node:crypto';
import { EXPERIMENT_EVENT_TYPES, type ExperimentEvent } from '@assay/contracts';
import { SEEN_BUCKETS, UNIT_SHARDS } from './experiment-keys.js';

const DAY_MS = 86_400_000;
const TYPE_INDEX = new Map<string, number>(EXPERIMENT_EVENT_TYPES.map((t, i) => [t, i + 1]));

/** FNV-1a: a cheap, stable shard for a unit id (the analysis reads units shard by shard, covariates alongside). */
export function unitShard(unitId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < unitId.length; i++) {
    h ^= unitId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % UNIT_SHARDS;
}

/** The day an event happened, as days since 1970-01-01 UTC (the timeline's resolution). */
export const eventDay = (timestamp: string) => Math.floor(Date.parse(timestamp) / DAY_MS);
export const dayToDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The ingest script's arguments for events already checked against the experiment. The event id is kept as an
 * 8-byte SHA-1 prefix (a collision among 10 M ids has odds of about 3 in a million) and spread over
 * SEEN_BUCKETS hashes small enough for Redis to store compactly.
 */
export function ingestArgs(events: readonly ExperimentEvent[], variantIndex: ReadonlyMap<string, number>): (string | number | Buffer)[] {
  const args: (string | number | Buffer)[] = [events.length];
  for (const e of events) {
    const digest = createHash('sha1').update(e.eventId).digest();
    args.push(
      digest.readUInt32BE(8) % SEEN_BUCKETS,
      digest.subarray(0, 8),
      unitShard(e.unitId),
      e.unitId,
      variantIndex.get(e.variant)!,
      eventDay(e.timestamp),
      TYPE_INDEX.get(e.type)!,
      e.value,
      e.assetId ?? '',
    );
  }
  return args;
}
