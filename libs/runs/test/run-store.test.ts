import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { scoreJobId, type AssetRecord } from '@assay/contracts';
import { RunStore } from '@assay/runs';
import { dropPrefix, REDIS_URL, testPrefix } from '../../../test/helpers/env.js';

const prefix = testPrefix('runs');
const redis = new Redis(REDIS_URL);
const store = new RunStore(redis, prefix);
afterAll(async () => {
  await dropPrefix(prefix);
  redis.disconnect();
});

const asset = (runId: string, assetId: string, uri?: string): AssetRecord => ({
  assetId,
  jobId: scoreJobId(runId, assetId),
  modality: 'image',
  uri,
  attributes: {},
  submittedAt: new Date().toISOString(),
});

describe('RunStore', () => {
  it('creates and reads runs', async () => {
    const run = await store.create({ name: 'r', modelVersion: 'v1', labels: { team: 'a' }, suite: 'image-default' });
    expect(await store.get(run.id)).toEqual(run);
    expect(await store.get('run_missing')).toBeUndefined();
  });

  it('records each asset id once and counts duplicates', async () => {
    const run = await store.create({ name: 'r', modelVersion: 'v1', labels: {}, suite: 'image-default' });
    expect(await store.record(run.id, [asset(run.id, 'a', 's3://assay/a'), asset(run.id, 'b')])).toEqual([true, true]);
    expect(await store.record(run.id, [asset(run.id, 'a', 's3://assay/a'), asset(run.id, 'c')], 2)).toEqual([false, true]);
    expect([...(await store.existing(run.id, ['a', 'b', 'x']))].sort()).toEqual(['a', 'b']);
    const counts = await store.counts(run.id);
    expect(counts).toEqual({ submitted: 3, awaitingContent: 2, pending: 1, completed: 0, failed: 0, duplicates: 3 });
  });

  it('binds an asset to its first upload for good, then tracks it to uploaded', async () => {
    const run = await store.create({ name: 'r', modelVersion: 'v1', labels: {}, suite: 'image-default' });
    const a = asset(run.id, 'a');
    await store.record(run.id, [a]);
    expect(await store.uploadState(run.id, a)).toEqual({ kind: 'awaiting' });
    const [f, e] = ['f'.repeat(64), 'e'.repeat(64)];
    expect(await store.bindContent(run.id, 'a', f)).toEqual({ kind: 'bound' });
    expect(await store.bindContent(run.id, 'a', e)).toEqual({ kind: 'conflict', sha256: f });
    expect(await store.bindContent(run.id, 'a', f)).toEqual({ kind: 'same', uploaded: false });
    expect(await store.uploadState(run.id, a)).toEqual({ kind: 'uploading', sha256: f });
    await store.markUploaded(run.id, 'a');
    expect(await store.bindContent(run.id, 'a', f)).toEqual({ kind: 'same', uploaded: true });
    expect(await store.uploadState(run.id, a)).toEqual({ kind: 'uploaded', sha256: f });
    expect((await store.counts(run.id)).awaitingContent).toBe(0);
    // an asset that no longer awaits content (failed content_missing at close) binds nothing
    const b = asset(run.id, 'b');
    await store.record(run.id, [b]);
    expect(await store.takeAwaiting(run.id, 'b')).toBe(true);
    expect(await store.bindContent(run.id, 'b', f)).toEqual({ kind: 'not_awaiting' });
  });

  it('lets one writer at a time hold a content object', async () => {
    const run = await store.create({ name: 'r', modelVersion: 'v1', labels: {}, suite: 'image-default' });
    const order: string[] = [];
    const first = store.withContentWrite(run.id, 'f'.repeat(64), 10_000, async () => {
      order.push('first in');
      await new Promise((r) => setTimeout(r, 50));
      order.push('first out');
      return 1;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(await store.withContentWrite(run.id, 'f'.repeat(64), 10_000, async () => 2)).toEqual({ locked: false });
    expect(await first).toEqual({ locked: true, value: 1 });
    expect(await store.withContentWrite(run.id, 'f'.repeat(64), 10_000, async () => 3)).toEqual({ locked: true, value: 3 });
    expect(order).toEqual(['first in', 'first out']);
  });

  it('moves open → closing → closed only forwards', async () => {
    const run = await store.create({ name: 'r', modelVersion: 'v1', labels: {}, suite: 'image-default' });
    expect(await store.markClosed(run.id)).toBe('open');
    expect(await store.requestClose(run.id)).toBe('closing');
    expect(await store.requestClose(run.id)).toBe('closing');
    expect(await store.markClosed(run.id)).toBe('closed');
    expect((await store.get(run.id))?.closedAt).toBeTruthy();
    expect(await store.requestClose('run_missing')).toBeUndefined();
  });
});
