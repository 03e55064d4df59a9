/**
 * Redis keys of one experiment. The experiment id is a hash tag, so the ingest script (which builds shard keys
 * from the base key) touches one slot.
 */
export const SEEN_BUCKETS = 131_072;
export const UNIT_SHARDS = 16_384;

export function experimentKeys(prefix: string, experimentId: string) {
  const base = `${prefix}:exp:{${experimentId}}`;
  return {
    /** hash: record (ExperimentRecord JSON), status (running|stopped), events, duplicates, crossover, `n:<variant index>` units */
    experiment: base,
    /** hash per bucket: 8-byte event id digest → 1. ~76 ids per bucket at 10 M events, so Redis keeps each one compact (listpack) */
    seen: (bucket: number) => `${base}:seen:${bucket}`,
    /** hash per shard: unit id → JSON [variant index (−1: seen in several), first day, counts by type…, value sums by type…] */
    units: (shard: number) => `${base}:u:${shard}`,
    /** hash per covariate and shard: unit id → its pre-period value */
    covariate: (name: string, shard: number) => `${base}:cov:${name}:${shard}`,
    /** set: covariate names sent so far */
    covariateNames: `${base}:covnames`,
    /** hash: `<variant index>|<asset id>` → JSON [counts by type…, value sums by type…] */
    assets: `${base}:assets`,
    /** hash: import id → EventImport JSON */
    imports: `${base}:imports`,
  };
}
export type ExperimentKeys = ReturnType<typeof experimentKeys>;

export const experimentGlobalKeys = (prefix: string) => ({
  /** sorted set: experiment ids by creation time */
  index: `${prefix}:experiments:index`,
});
