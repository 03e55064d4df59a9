/**
 * Redis keys of one run. The run id sits in a hash tag so a Lua script may touch all of them in Redis
 * Cluster (one slot per run, runs spread across slots).
 */
export function runKeys(prefix: string, runId: string) {
  const base = `${prefix}:run:{${runId}}`;
  return {
    /** hash: record (JSON), status, submitted, duplicates, runMetrics (JSON: the post-close computation's state) */
    run: base,
    /** hash: assetId → AssetRecord JSON */
    assets: `${base}:assets`,
    /** set: asset ids declared without a URI whose bytes have not been uploaded */
    awaiting: `${base}:awaiting`,
    /** hash: assetId → sha256 of its content, bound by the first upload (stored once it leaves `awaiting`) */
    content: `${base}:content`,
    /** string per sha256: holder of the right to write that content object (one writer; objects are never rewritten) */
    contentWrite: (sha256: string) => `${base}:put:${sha256}`,
    /** hash: assetId → completed|failed; the aggregator's dedupe record */
    done: `${base}:done`,
    /** hash: completed, failed, failed|<reason>, appended, flushed */
    agg: `${base}:agg`,
    /** hash: <score>|n, |s1, |s2, |shift, |min, |max */
    stats: `${base}:stats`,
    /** hash: <score>|<p|n|z>|<index> → count (DDSketch bins) */
    bins: `${base}:bins`,
    /**
     * hash: the near-duplicate index (multi-index hashing of pHashes): <chunk>:<bits> → entries,
     * <chunk>:<bits>:<page> → up to 64 distinct 16-hex hashes, h:<hash> → assets, m:<hash> → 1 once counted
     */
    mih: `${base}:mih`,
    /** list: result records not yet written to an S3 part */
    buffer: `${base}:buffer`,
    /** string: holder of the flush/finalize lock */
    lock: `${base}:lock`,
  };
}
export type RunKeys = ReturnType<typeof runKeys>;

export const globalKeys = (prefix: string) => ({
  /** sorted set: run ids by creation time */
  runIndex: `${prefix}:runs:index`,
  /** set: runs with results not yet reflected in S3 */
  dirty: `${prefix}:runs:dirty`,
  /** set: runs asked to close that still wait for results */
  closing: `${prefix}:runs:closing`,
  /** string per signature: hook replay protection */
  hookSignature: (sig: string) => `${prefix}:hook:sig:${sig}`,
});
