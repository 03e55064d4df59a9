import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { newRunId } from '@assay/contracts';
import { RunAggregates } from '@assay/aggregation';
import { dropPrefix, REDIS_URL, testPrefix } from '../../../test/helpers/env.js';
import { rng } from '../../../test/helpers/images.js';
import { failedRecord, resultRecord } from '../../../test/helpers/records.js';

const prefix = testPrefix('agg');
const redis = new Redis(REDIS_URL);
const aggregates = new RunAggregates(redis, prefix);
afterAll(async () => {
  await dropPrefix(prefix);
  redis.disconnect();
});

const record = (runId: string, assetId: string, scores: Record<string, number>, failure?: string) =>
  failure ? failedRecord(runId, assetId, failure, { scores }) : resultRecord(runId, assetId, { scores });

describe('RunAggregates', () => {
  it('matches an independent mean/std/min/max and counts each asset once', async () => {
    const runId = newRunId();
    const random = rng(3);
    // large offset, small spread: where naive sum-of-squares loses precision
    const values = Array.from({ length: 400 }, () => 1e6 + random());
    for (let i = 0; i < values.length; i++) expect(await aggregates.apply(record(runId, `a${i}`, { 'm.x': values[i] }))).toBe(true);
    for (let i = 0; i < 50; i++) expect(await aggregates.apply(record(runId, `a${i}`, { 'm.x': 0 }))).toBe(false);
    await aggregates.apply(record(runId, 'bad1', {}, 'decode_error'));
    await aggregates.apply(record(runId, 'bad2', {}, 'decode_error'));
    await aggregates.apply(record(runId, 'bad3', {}, 'image_too_large'));

    const state = await aggregates.state(runId);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    const s = state.scores['m.x'];
    expect(state.completed).toBe(400);
    expect(state.failed).toBe(3);
    expect(state.failures).toEqual({ decode_error: 2, image_too_large: 1 });
    expect(s.count).toBe(400);
    expect(s.mean).toBeCloseTo(mean, 6);
    expect(Math.abs(s.std - std) / std).toBeLessThan(1e-6);
    expect(s.min).toBe(Math.min(...values));
    expect(s.max).toBe(Math.max(...values));
    expect(s.p50).toBeGreaterThanOrEqual(s.min);
    expect(s.p95).toBeLessThanOrEqual(s.max);
  });

  it('leaves censored values (floors and caps) out of the statistics and counts them by side', async () => {
    const runId = newRunId();
    const censored = (assetId: string, lufs: number, side?: 'below') => ({
      ...record(runId, assetId, { 'loudness.integrated_lufs': lufs }),
      ...(side ? { censored: { 'loudness.integrated_lufs': side } } : {}),
    });
    await aggregates.apply(censored('speech1', -20));
    await aggregates.apply(censored('speech2', -24));
    await aggregates.apply(censored('silence1', -70, 'below'));
    await aggregates.apply(censored('silence2', -70, 'below'));
    const state = await aggregates.state(runId);
    expect(state.scores['loudness.integrated_lufs']).toMatchObject({ count: 2, mean: -22, min: -24, max: -20 });
    expect(state.censored).toEqual({ 'loudness.integrated_lufs': { below: 2, above: 0 } });
  });

  it('buffers records for parts until advanced', async () => {
    const runId = newRunId();
    for (let i = 0; i < 5; i++) await aggregates.apply(record(runId, `a${i}`, { 'm.x': i }));
    const first = await aggregates.buffered(runId, 3);
    expect(first.offset).toBe(0);
    expect(first.lines.map((l) => JSON.parse(l).assetId)).toEqual(['a0', 'a1', 'a2']);
    expect(await aggregates.advance(runId, 0, 3)).toBe(true);
    expect(await aggregates.advance(runId, 0, 3)).toBe(false); // stale offset: nothing dropped twice
    const second = await aggregates.buffered(runId, 3);
    expect(second.offset).toBe(3);
    expect(second.lines.map((l) => JSON.parse(l).assetId)).toEqual(['a3', 'a4']);
  });

  it('lets one holder at a time write a run', async () => {
    const runId = newRunId();
    let inner: unknown;
    const outer = await aggregates.withLock(runId, 5000, async () => {
      inner = await aggregates.withLock(runId, 5000, async () => 'second');
      return 'first';
    });
    expect(outer).toEqual({ locked: true, value: 'first' });
    expect(inner).toEqual({ locked: false });
    expect(await aggregates.withLock(runId, 5000, async () => 'again')).toEqual({ locked: true, value: 'again' });
  });
});
