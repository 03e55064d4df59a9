/**
 * The per-unit aggregation in Redis: idempotent by event id (retries, concurrent batches, imports racing the
 * API), order-independent, crossover units flagged, stopped experiments refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { AssayError, type ExperimentEvent } from '@assay/contracts';
import { ExperimentStore, loadUnits } from '@assay/experiments';
import { dropPrefix, REDIS_URL, testPrefix } from '../../../test/helpers/env.js';
import { event, experimentRecord } from './fixtures.js';

const prefix = testPrefix('experiments');
const redis = new Redis(REDIS_URL);
const store = new ExperimentStore(redis, prefix);
afterAll(async () => {
  await dropPrefix(prefix);
  redis.disconnect();
});

async function created() {
  const e = experimentRecord();
  await store.create(e);
  return e;
}

const DAY = (iso: string) => Math.floor(Date.parse(iso) / 86_400_000);

/** 200 users, each with 3 impressions; users 0, 1 (mod 4) also a click and a purchase of 10. */
function batch(): ExperimentEvent[] {
  return Array.from({ length: 200 }, (_, u) => {
    const variant = u % 2 ? 'treatment' : 'control';
    const evs = [0, 1, 2].map((i) => event(`u${u}-imp${i}`, `u${u}`, variant, 'impression', { assetId: `a${u % 5}` }));
    if (u % 4 < 2)
      evs.push(
        event(`u${u}-clk`, `u${u}`, variant, 'click', { assetId: `a${u % 5}` }),
        event(`u${u}-buy`, `u${u}`, variant, 'purchase', { value: 10 }),
      );
    return evs;
  }).flat();
}

describe('ExperimentStore', () => {
  it('counts each event id once, however often and however concurrently it arrives', async () => {
    const e = await created();
    const events = batch();
    expect(events).toHaveLength(800);
    expect(await store.ingest(e, events)).toEqual({ accepted: 800, duplicates: 0, units: 200 });
    expect(await store.ingest(e, events)).toEqual({ accepted: 0, duplicates: 800, units: 0 });
    // four batches at once, each with a quarter of the old events and all of 800 new ones: the new counted once
    const late = events.map((ev) => ({ ...ev, eventId: `${ev.eventId}-late` }));
    const results = await Promise.all([0, 1, 2, 3].map((k) => store.ingest(e, [...events.slice(k * 200, k * 200 + 200), ...late])));
    expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(800);
    expect(results.reduce((s, r) => s + r.duplicates, 0)).toBe(4 * 1000 - 800);
    expect(await store.counts(e)).toEqual({
      events: 1600,
      duplicates: 800 + 3200,
      units: 200,
      crossover: 0,
      unitsByVariant: { control: 100, treatment: 100 },
    });

    const table = await loadUnits(store, e, []);
    expect(table.arms.map((a) => a.rows.length)).toEqual([100, 100]);
    // [variant, first day, impressions, clicks, add-to-carts, purchases, then value sums]: every event twice (its -late copy)
    const buyers = table.arms[0].rows.filter((r) => r[3] === 2);
    expect(buyers).toHaveLength(50);
    expect(buyers[0]).toEqual([0, DAY('2026-11-03T10:00:00Z'), 6, 2, 0, 2, 0, 0, 0, 20]);
    const assets = await store.assets(e.id);
    const shownA0 = [...Array(200).keys()].filter((u) => u % 2 === 0 && u % 5 === 0);
    expect(assets.get('0|a0')!.slice(0, 2)).toEqual([shownA0.length * 6, shownA0.filter((u) => u % 4 < 2).length * 2]);
  });

  it('keeps the earliest day whatever order events come in, and flags units seen in two variants', async () => {
    const e = await created();
    await store.ingest(e, [event('x1', 'late', 'control', 'impression', { timestamp: '2026-11-10T00:00:00Z' })]);
    await store.ingest(e, [event('x2', 'late', 'control', 'click', { timestamp: '2026-11-04T23:59:59Z' })]);
    await store.ingest(e, [event('y1', 'both', 'control', 'impression'), event('y2', 'both', 'treatment', 'impression')]);
    const table = await loadUnits(store, e, []);
    expect(table.crossover).toBe(1);
    expect(table.arms[0].rows).toHaveLength(1);
    expect(table.arms[0].days[0]).toBe(DAY('2026-11-04T00:00:00Z'));
    expect(await store.counts(e)).toMatchObject({ units: 1, crossover: 1, unitsByVariant: { control: 1, treatment: 0 } });
  });

  it('reads covariates with their units and refuses events once stopped', async () => {
    const e = await created();
    await store.ingest(e, [event('a', 'u1', 'control', 'impression'), event('b', 'u2', 'treatment', 'impression')]);
    await store.setCovariates(e, [
      { unitId: 'u1', covariates: { pre_clicks: 4 } },
      { unitId: 'u1', covariates: { pre_clicks: 5 } },
    ]);
    expect(await store.covariateNames(e.id)).toEqual(['pre_clicks']);
    const table = await loadUnits(store, e, ['pre_clicks']);
    expect([...table.arms[0].covariates.get('pre_clicks')!]).toEqual([5]);
    expect([...table.arms[1].covariates.get('pre_clicks')!]).toEqual([NaN]);
    const stopped = await store.stop(e.id, '2026-11-20T00:00:00Z');
    const err = await store.ingest(stopped, [event('c', 'u3', 'control', 'impression')]).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(AssayError);
    expect((err as AssayError).code).toBe('experiment_stopped');
    expect((await store.counts(e)).events).toBe(2);
  });
});
