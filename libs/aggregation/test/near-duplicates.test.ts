import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { newRunId, type ResultRecord } from '@assay/contracts';
import { NEAR_DUPLICATE_MAX_DISTANCE, RunAggregates } from '@assay/aggregation';
import { dropPrefix, REDIS_URL, testPrefix } from '../../../test/helpers/env.js';
import { rng } from '../../../test/helpers/images.js';

const prefix = testPrefix('nd');
const redis = new Redis(REDIS_URL);
const aggregates = new RunAggregates(redis, prefix);
afterAll(async () => {
  await dropPrefix(prefix);
  redis.disconnect();
});

function record(runId: string, assetId: string, phash?: string, status: 'completed' | 'failed' = 'completed'): ResultRecord {
  return {
    schemaVersion: 1,
    runId,
    assetId,
    jobId: `${runId}.${assetId}`,
    modality: 'image',
    suite: 'image-default',
    modelVersion: 'v',
    status,
    failure: status === 'failed' ? { code: 'decode_error', message: 'x' } : undefined,
    scores: {},
    fingerprints: phash === undefined ? undefined : { 'perceptual_hash.phash': phash, 'perceptual_hash.dhash': '0000000000000000' },
    metrics: [],
    sourceUri: 's3://assay/x',
    attributes: {},
    attempt: 1,
    worker: { host: 'h', pid: 1, version: '0', executionProviders: ['cpu'] },
    finishedAt: new Date().toISOString(),
  };
}

// Hashes as bit arrays (bit 0 = most significant) so the reference shares no code with the Lua.
type Bits = number[];
const toHex = (b: Bits) => Array.from({ length: 16 }, (_, i) => (b[4 * i] * 8 + b[4 * i + 1] * 4 + b[4 * i + 2] * 2 + b[4 * i + 3]).toString(16)).join('');
const flip = (b: Bits, positions: number[]) => b.map((v, i) => (positions.includes(i) ? 1 - v : v));
const randomBits = (random: () => number): Bits => Array.from({ length: 64 }, () => (random() < 0.5 ? 1 : 0));
const distance = (a: Bits, b: Bits) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);

/** O(n²) reference: unordered pairs within d, and assets with at least one such partner. */
function bruteForce(hashes: Bits[], d: number): { pairs: number; assets: number } {
  let pairs = 0;
  const marked = new Set<number>();
  for (let i = 0; i < hashes.length; i++) {
    for (let j = i + 1; j < hashes.length; j++) {
      if (distance(hashes[i], hashes[j]) <= d) {
        pairs++;
        marked.add(i).add(j);
      }
    }
  }
  return { pairs, assets: marked.size };
}

function randomPositions(random: () => number, k: number): number[] {
  const out = new Set<number>();
  while (out.size < k) out.add(Math.floor(random() * 64));
  return [...out];
}

/** Applies records concurrently (each APPLY is atomic on its own), returning how many were new. */
async function applyAll(agg: RunAggregates, records: ResultRecord[]): Promise<number> {
  let applied = 0;
  for (let i = 0; i < records.length; i += 200) {
    const results = await Promise.all(records.slice(i, i + 200).map((r) => agg.apply(r)));
    applied += results.filter(Boolean).length;
  }
  return applied;
}

// With d = 6, bits 1–63 split into 7 chunks of 9 bits starting here (bit 0, pHash's DC term, is not indexed).
const CHUNK_STARTS = [1, 10, 19, 28, 37, 46, 55];

describe('near-duplicates (multi-index hashing in APPLY)', () => {
  it('counts pairs at distance 0 and d, not d + 1, even when only one chunk agrees', async () => {
    const runId = newRunId();
    const a = randomBits(rng(1));
    const atD = flip(a, CHUNK_STARTS.slice(0, 6)); // one bit in each of chunks 0–5: only chunk 6 agrees
    const atDOther = flip(a, CHUNK_STARTS.slice(1, 7).map((s) => s + 3)); // only chunk 0 agrees
    const beyond = flip(a, CHUNK_STARTS.map((s) => s + 1)); // d + 1 bits, no chunk agrees
    const far = a.map((v) => 1 - v);
    const dc = flip(a, [0]); // differs only in the unindexed bit
    expect([distance(a, atD), distance(a, atDOther), distance(a, beyond), distance(atD, atDOther), distance(a, dc)]).toEqual([6, 6, 7, 12, 1]);
    const hashes = [a, a, atD, atDOther, beyond, far, dc];
    await applyAll(aggregates, hashes.map((h, i) => record(runId, `a${i}`, toHex(h))));
    // pairs: (a, a), (a, atD) ×2, (a, atDOther) ×2, (a, dc) ×2; atD–atDOther are 12 apart, dc–atD 7
    expect((await aggregates.state(runId)).nearDuplicates).toEqual({
      fingerprint: 'perceptual_hash.phash',
      maxDistance: 6,
      pairs: 7,
      assets: 5,
      hashed: 7,
      rate: 5 / 7,
      truncated: 0,
    });
    expect(bruteForce(hashes, 6)).toEqual({ pairs: 7, assets: 5 });
  });

  it('counts many identical hashes in O(1) per record and ignores redeliveries, failures and missing hashes', async () => {
    const runId = newRunId();
    const h = toHex(randomBits(rng(2)));
    const records = Array.from({ length: 600 }, (_, i) => record(runId, `a${i}`, h));
    expect(await applyAll(aggregates, records)).toBe(600);
    expect(await applyAll(aggregates, records)).toBe(0); // redelivered: nothing changes
    await aggregates.apply(record(runId, 'failed', h, 'failed'));
    await aggregates.apply(record(runId, 'no-hash'));
    await aggregates.apply(record(runId, 'bad-hash', 'XYZ'));
    const state = await aggregates.state(runId);
    expect(state.completed).toBe(602);
    expect(state.nearDuplicates).toMatchObject({ pairs: (600 * 599) / 2, assets: 600, hashed: 600, rate: 1, truncated: 0 });
  });

  it('has rate null before any hashed result', async () => {
    const runId = newRunId();
    await aggregates.apply(record(runId, 'a'));
    expect((await aggregates.state(runId)).nearDuplicates).toMatchObject({ maxDistance: NEAR_DUPLICATE_MAX_DISTANCE, pairs: 0, assets: 0, hashed: 0, rate: null });
  });

  for (const [d, bases] of [
    [6, 2000],
    [3, 600],
    [0, 300],
  ] as const) {
    it(`equals a brute-force O(n²) count on ${bases} random hashes with planted near-duplicates (d = ${d})`, async () => {
      const runId = newRunId();
      const random = rng(100 + d);
      const hashes: Bits[] = Array.from({ length: bases }, () => randomBits(random));
      // plant copies at distance 0 … d + 3 from random earlier hashes (clusters form when copies are copied)
      for (let i = 0; i < bases / 4; i++) hashes.push(flip(hashes[Math.floor(random() * hashes.length)], randomPositions(random, Math.floor(random() * (d + 4)))));
      for (let i = hashes.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [hashes[i], hashes[j]] = [hashes[j], hashes[i]];
      }
      const agg = new RunAggregates(redis, prefix, { nearDuplicates: { maxDistance: d } });
      const records = hashes.map((h, i) => record(runId, `a${i}`, toHex(h)));
      const started = performance.now();
      expect(await applyAll(agg, records)).toBe(hashes.length);
      const ms = performance.now() - started;
      expect(await applyAll(agg, records.filter((_, i) => i % 7 === 0))).toBe(0);
      const want = bruteForce(hashes, d);
      expect(want.pairs).toBeGreaterThan(bases / 16); // the planted pairs are really there
      const got = (await agg.state(runId)).nearDuplicates;
      expect(got).toEqual({ fingerprint: 'perceptual_hash.phash', maxDistance: d, ...want, hashed: hashes.length, rate: want.assets / hashes.length, truncated: 0 });
      console.info(`near-duplicates d=${d}: ${hashes.length} hashes applied in ${ms.toFixed(0)} ms; ${want.pairs} pairs, ${want.assets} assets`);
    });
  }

  it('keeps the maximum distance a run started with', async () => {
    const runId = newRunId();
    const a = randomBits(rng(5));
    await aggregates.apply(record(runId, 'a', toHex(a)));
    const narrower = new RunAggregates(redis, prefix, { nearDuplicates: { maxDistance: 2 } });
    await narrower.apply(record(runId, 'b', toHex(flip(a, CHUNK_STARTS.slice(0, 6)))));
    expect((await narrower.state(runId)).nearDuplicates).toMatchObject({ maxDistance: 6, pairs: 1, assets: 2 });
  });

  it('stops at the candidate cap and counts the result as truncated', async () => {
    const runId = newRunId();
    const capped = new RunAggregates(redis, prefix, { nearDuplicates: { maxCandidates: 10 } });
    // 30 hashes sharing chunk 0 (one bucket of 30) and ≥ 2 bits apart in every other chunk (even-weight codes)
    const chunk0 = randomBits(rng(6)).slice(0, 10);
    const evenWeight = (i: number, width: number) => {
      const v = (i << 1) | (i.toString(2).split('1').length % 2 === 0 ? 1 : 0);
      return Array.from({ length: width }, (_, b) => (v >> (width - 1 - b)) & 1);
    };
    const hashes: Bits[] = Array.from({ length: 30 }, (_, i) => [...chunk0, ...CHUNK_STARTS.slice(1).flatMap(() => evenWeight(i, 9))]);
    expect(bruteForce(hashes, 6)).toEqual({ pairs: 0, assets: 0 });
    // the query is 1 bit from the last one filed, which sits past the first 10 entries of chunk 0's bucket
    const query = flip(hashes[29], [63]);
    const records = [...hashes, query].map((h, i) => record(runId, `a${i}`, toHex(h)));
    for (const r of records) await capped.apply(r);
    // record i examines the i entries before it in that bucket: records 11…29 and the query hit the cap
    expect((await capped.state(runId)).nearDuplicates).toMatchObject({ pairs: 0, assets: 0, hashed: 31, truncated: 20 });

    const uncapped = newRunId();
    for (const r of records) await aggregates.apply({ ...r, runId: uncapped });
    expect((await aggregates.state(uncapped)).nearDuplicates).toMatchObject({ pairs: 1, assets: 2, hashed: 31, truncated: 0 });
  });
});
