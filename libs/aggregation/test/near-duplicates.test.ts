import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { newRunId, type ResultRecord } from '@assay/contracts';
import { NEAR_DUPLICATE_MAX_DISTANCE, RunAggregates } from '@assay/aggregation';
import { runKeys } from '@assay/runs';
import { dropPrefix, REDIS_URL, testPrefix } from '../../../test/helpers/env.js';
import { rng } from '../../../test/helpers/images.js';
import { failedRecord, resultRecord } from '../../../test/helpers/records.js';

const prefix = testPrefix('nd');
const redis = new Redis(REDIS_URL);
const aggregates = new RunAggregates(redis, prefix);
afterAll(async () => {
  await dropPrefix(prefix);
  redis.disconnect();
});

function record(runId: string, assetId: string, phash?: string, status: 'completed' | 'failed' = 'completed') {
  const fingerprints = phash === undefined ? undefined : { 'perceptual_hash.phash': phash, 'perceptual_hash.dhash': '0000000000000000' };
  return status === 'failed'
    ? failedRecord(runId, assetId, 'decode_error', { fingerprints })
    : resultRecord(runId, assetId, { fingerprints });
}

// Hashes as bit arrays (bit 0 = most significant) so the reference shares no code with the Lua.
type Bits = number[];
const toHex = (b: Bits) =>
  Array.from({ length: 16 }, (_, i) => (b[4 * i] * 8 + b[4 * i + 1] * 4 + b[4 * i + 2] * 2 + b[4 * i + 3]).toString(16)).join('');
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

// With d = 6, bits 1–63 split into 4 chunks of 16, 16, 16 and 15 bits starting here, each probed within
// r = 1 bit (bit 0, pHash's DC term, is not indexed).
const CHUNK_STARTS = [1, 17, 33, 49];
const at = (chunk: number, offsets: number[]) => offsets.map((o) => CHUNK_STARTS[chunk] + o);

/** Hashes as two 32-bit halves and a popcount: a brute force fast enough for tens of thousands. */
function bruteForceFast(hexes: string[], d: number): { pairs: number; assets: number } {
  const hi = Uint32Array.from(hexes, (h) => parseInt(h.slice(0, 8), 16));
  const lo = Uint32Array.from(hexes, (h) => parseInt(h.slice(8), 16));
  const pop = (x: number) => {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
  };
  let pairs = 0;
  const marked = new Uint8Array(hexes.length);
  for (let i = 0; i < hexes.length; i++) {
    for (let j = i + 1; j < hexes.length; j++) {
      const k = pop(hi[i] ^ hi[j]);
      if (k <= d && k + pop(lo[i] ^ lo[j]) <= d) {
        pairs++;
        marked[i] = marked[j] = 1;
      }
    }
  }
  return { pairs, assets: marked.reduce((n, v) => n + v, 0) };
}

describe('near-duplicates (multi-index hashing in APPLY)', () => {
  it('counts pairs at distance 0 and d, not d + 1, even when no chunk agrees exactly', async () => {
    const runId = newRunId();
    const a = randomBits(rng(1));
    const atD = flip(a, [...at(0, [0, 1]), ...at(1, [0, 1]), ...at(2, [0, 1])]); // only chunk 3 agrees
    const atDOther = flip(a, [...at(0, [2, 3]), ...at(1, [2, 3]), ...at(2, [2]), ...at(3, [2])]); // none agrees: chunks 2, 3 are 1 bit off
    const beyond = flip(a, [...at(0, [4, 5]), ...at(1, [4, 5]), ...at(2, [4, 5]), ...at(3, [4])]); // d + 1 bits, chunk 3 1 bit off
    const far = a.map((v) => 1 - v);
    const dc = flip(a, [0]); // differs only in the unindexed bit
    expect([distance(a, atD), distance(a, atDOther), distance(a, beyond), distance(atD, atDOther), distance(a, dc)]).toEqual([
      6, 6, 7, 12, 1,
    ]);
    const hashes = [a, a, atD, atDOther, beyond, far, dc];
    await applyAll(
      aggregates,
      hashes.map((h, i) => record(runId, `a${i}`, toHex(h))),
    );
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
    expect((await aggregates.state(runId)).nearDuplicates).toMatchObject({
      maxDistance: NEAR_DUPLICATE_MAX_DISTANCE,
      pairs: 0,
      assets: 0,
      hashed: 0,
      rate: null,
    });
  });

  // m = min(d + 1, 4) chunks probed within r = floor(d / m): 6 → 4 × r 1, 3 → 4 × r 0, 0 → one 63-bit
  // chunk (exact match), 1 → 32 + 31 bits, 15 → 4 × r 3
  for (const [d, bases] of [
    [6, 2000],
    [3, 2000],
    [0, 2000],
    [1, 2000],
    [15, 1000],
  ] as const) {
    it(`equals a brute-force O(n²) count on ${bases} random hashes with planted near-duplicates (d = ${d})`, async () => {
      const runId = newRunId();
      const random = rng(100 + d);
      const hashes: Bits[] = Array.from({ length: bases }, () => randomBits(random));
      // plant copies at distance 0 … d + 3 from random earlier hashes (clusters form when copies are copied)
      for (let i = 0; i < bases / 4; i++)
        hashes.push(flip(hashes[Math.floor(random() * hashes.length)], randomPositions(random, Math.floor(random() * (d + 4)))));
      for (let i = hashes.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [hashes[i], hashes[j]] = [hashes[j], hashes[i]];
      }
      const agg = new RunAggregates(redis, prefix, { nearDuplicates: { maxDistance: d } });
      const records = hashes.map((h, i) => record(runId, `a${i}`, toHex(h)));
      const started = performance.now();
      expect(await applyAll(agg, records)).toBe(hashes.length);
      const ms = performance.now() - started;
      expect(
        await applyAll(
          agg,
          records.filter((_, i) => i % 7 === 0),
        ),
      ).toBe(0);
      const want = bruteForce(hashes, d);
      expect(want.pairs).toBeGreaterThan(bases / 16); // the planted pairs are really there
      const got = (await agg.state(runId)).nearDuplicates;
      expect(got).toEqual({
        fingerprint: 'perceptual_hash.phash',
        maxDistance: d,
        ...want,
        hashed: hashes.length,
        rate: want.assets / hashes.length,
        truncated: 0,
      });
      console.info(
        `near-duplicates d=${d}: ${hashes.length} hashes applied in ${ms.toFixed(0)} ms; ${want.pairs} pairs, ${want.assets} assets`,
      );
    });
  }

  it('keeps the maximum distance a run started with', async () => {
    const runId = newRunId();
    const a = randomBits(rng(5));
    await aggregates.apply(record(runId, 'a', toHex(a)));
    const narrower = new RunAggregates(redis, prefix, { nearDuplicates: { maxDistance: 2 } });
    await narrower.apply(record(runId, 'b', toHex(flip(a, [...at(0, [0, 1]), ...at(1, [0, 1]), ...at(2, [0]), ...at(3, [0])]))));
    expect((await narrower.state(runId)).nearDuplicates).toMatchObject({ maxDistance: 6, pairs: 1, assets: 2 });
    expect(await redis.hget(runKeys(prefix, runId).agg, 'nd|d')).toBe('6:4:1'); // d, chunks, radius
  });

  it('keeps the layout of a run pinned before the chunks were probed within r bits (7 exact chunks)', async () => {
    const runId = newRunId();
    const k = runKeys(prefix, runId);
    await redis.hset(k.agg, 'nd|d', '6'); // as the earlier code pinned it
    const random = rng(7);
    const a = randomBits(random);
    // 6 bits, one in each of the old 9-bit chunks 0–5: only chunk 6 agrees
    const atD = flip(a, [1, 10, 19, 28, 37, 46]);
    const hashes: Bits[] = [a, atD, ...Array.from({ length: 400 }, () => randomBits(random))];
    for (let i = 0; i < 100; i++)
      hashes.push(flip(hashes[Math.floor(random() * hashes.length)], randomPositions(random, Math.floor(random() * 10))));
    await applyAll(
      aggregates,
      hashes.map((h, i) => record(runId, `a${i}`, toHex(h))),
    );
    const want = bruteForce(hashes, 6);
    expect((await aggregates.state(runId)).nearDuplicates).toMatchObject({ maxDistance: 6, ...want, hashed: hashes.length, truncated: 0 });
    expect(await redis.hget(k.agg, 'nd|d')).toBe('6');
    const buckets = (await redis.hkeys(k.mih)).filter((f) => /^\d+:[01]+$/.test(f));
    expect(new Set(buckets.map((f) => f.split(':')[1].length))).toEqual(new Set([9])); // still the old 9-bit buckets
    expect(new Set(buckets.map((f) => f.split(':')[0]))).toEqual(new Set(['0', '1', '2', '3', '4', '5', '6']));
  });

  it('refuses to mix with a layout it cannot read: the result is counted as hashed and truncated, not filed', async () => {
    const runId = newRunId();
    const k = runKeys(prefix, runId);
    await redis.hset(k.agg, 'nd|d', '6:4:1:v9');
    const h = toHex(randomBits(rng(8)));
    await applyAll(aggregates, [record(runId, 'a', h), record(runId, 'b', h)]);
    expect((await aggregates.state(runId)).nearDuplicates).toMatchObject({ maxDistance: 6, pairs: 0, assets: 0, hashed: 2, truncated: 2 });
    expect(await redis.exists(k.mih)).toBe(0);
  });

  it('stops at the candidate cap and counts the result as truncated', async () => {
    const runId = newRunId();
    const capped = new RunAggregates(redis, prefix, { nearDuplicates: { maxCandidates: 10 } });
    // 30 hashes sharing bits 0–16 (chunk 0: one bucket of 30) and ≥ 3 bits apart in every other chunk (i's
    // 5 bits three times), so no other bucket probed within 1 bit holds another of them
    const chunk0 = randomBits(rng(6)).slice(0, 17);
    const repeated = (i: number, width: number) => Array.from({ length: width }, (_, b) => (b < 15 ? (i >> (4 - (b % 5))) & 1 : 0));
    const hashes: Bits[] = Array.from({ length: 30 }, (_, i) => [...chunk0, ...repeated(i, 16), ...repeated(i, 16), ...repeated(i, 15)]);
    expect(hashes.every((h) => h.length === 64)).toBe(true);
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

  it('stays exact and untruncated on 30 000 random hashes plus planted near-duplicates (d = 6)', async () => {
    const runId = newRunId();
    const random = rng(300);
    const hex = () => Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join('');
    const flipHex = (h: string, positions: number[]) => {
      const bits = [...h].flatMap((c) => parseInt(c, 16).toString(2).padStart(4, '0').split('').map(Number));
      return toHex(flip(bits, positions));
    };
    const hashes = Array.from({ length: 30_000 }, hex);
    // 2 000 copies 0 … d + 3 bits from earlier hashes, copies of copies included
    for (let i = 0; i < 2000; i++)
      hashes.push(flipHex(hashes[Math.floor(random() * hashes.length)], randomPositions(random, Math.floor(random() * 10))));
    for (let i = hashes.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [hashes[i], hashes[j]] = [hashes[j], hashes[i]];
    }
    const started = performance.now();
    expect(
      await applyAll(
        aggregates,
        hashes.map((h, i) => record(runId, `a${i}`, h)),
      ),
    ).toBe(hashes.length);
    const ms = performance.now() - started;
    const want = bruteForceFast(hashes, 6);
    expect(want.pairs).toBeGreaterThan(500);
    expect((await aggregates.state(runId)).nearDuplicates).toEqual({
      fingerprint: 'perceptual_hash.phash',
      maxDistance: 6,
      ...want,
      hashed: hashes.length,
      rate: want.assets / hashes.length,
      truncated: 0,
    });
    console.info(
      `near-duplicates scale: ${hashes.length} hashes applied in ${ms.toFixed(0)} ms ` +
        `(${((ms / hashes.length) * 1000).toFixed(0)} µs each); ${want.pairs} pairs, ${want.assets} assets`,
    );
    await redis.del(...Object.values(runKeys(prefix, runId))); // 32 000 buffered records: free them now
  }, 60_000);
});
