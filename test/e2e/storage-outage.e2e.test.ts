import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { queuePrefix } from '@assay/contracts';
import { EMBEDDED_S3_CREDENTIALS, startEmbeddedS3, type EmbeddedS3 } from '@assay/storage';
import { dropPrefix, freePort, OPENCV_DATA, REDIS_URL, serviceEnv, testPrefix } from '../helpers/env.js';
import { apiClient, startService, waitForClosed, type RunningService } from '../helpers/services.js';

/**
 * Object storage goes away for longer than a job's retries last (5 attempts with exponential backoff from
 * 1 s are over in ~15 s): before, queued assets failed for good with an untyped ECONNREFUSED reason. Now a
 * worker that finds storage down defers the job without using an attempt and pauses until S3 answers.
 */
const OUTAGE_MS = 30_000;
const prefix = testPrefix('outage');
const services: RunningService[] = [];
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const imageQueue = new Queue('image', { connection: redis, prefix: queuePrefix(prefix, 'image') });
let s3dir: string;
let s3port: number;
let s3: EmbeddedS3 | undefined;
let api: ReturnType<typeof apiClient>;
let worker: RunningService;
let workerEnv: Record<string, string>;

const startS3 = async () => (s3 = await startEmbeddedS3({ directory: s3dir, buckets: ['assay'], port: s3port }));
const photos = readdirSync(OPENCV_DATA)
  .filter((n) => /\.jpg$/.test(n))
  .sort()
  .slice(0, 20);
/** each photograph three times (one content object per photograph, shared by its assets) */
const assets = [0, 1, 2].flatMap((copy) => photos.map((name) => ({ assetId: `${copy}-${name}`, name })));

beforeAll(async () => {
  s3dir = mkdtempSync(join(tmpdir(), 'assay-test-outage-s3-'));
  s3port = await freePort();
  await startS3();
  const env = serviceEnv(prefix, `http://127.0.0.1:${s3port}`, {
    SUMMARY_INTERVAL_MS: '300',
    LOG_LEVEL: 'info',
    WORKER_CONCURRENCY: '1',
    S3_ACCESS_KEY_ID: EMBEDDED_S3_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: EMBEDDED_S3_CREDENTIALS.secretAccessKey,
  });
  const ingest = await startService('ingest', env);
  services.push(ingest, await startService('aggregator', env));
  api = apiClient(ingest.url);
  workerEnv = env;
}, 120_000);
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop('SIGKILL')));
  await imageQueue.close();
  redis.disconnect();
  await s3?.close();
  rmSync(s3dir, { recursive: true, force: true });
  await dropPrefix(prefix);
});

describe('an S3 outage longer than the retries', () => {
  it('fails no asset: jobs wait (no attempt used) while the worker is paused, and all complete once S3 is back', async () => {
    // the queue is held while the run is uploaded, so the outage meets it queued whatever the machine's speed
    await imageQueue.pause();
    const run = (await api('POST', '/v1/runs', { name: 'outage', suite: 'image-default' })).json;
    await api('POST', `/v1/runs/${run.id}/assets`, { assets: assets.map(({ assetId }) => ({ assetId, modality: 'image' })) });
    for (const { assetId, name } of assets) {
      expect(
        (await api('PUT', `/v1/runs/${run.id}/assets/${assetId}/content`, new Uint8Array(readFileSync(join(OPENCV_DATA, name))))).status,
      ).toBe(202);
    }
    await api('POST', `/v1/runs/${run.id}/close`);
    worker = await startService('worker', workerEnv);
    services.push(worker);
    // storage goes away while the whole run is queued
    await s3!.close();
    s3 = undefined;
    const downAt = Date.now();
    await imageQueue.resume();

    // the worker says why it is not ready, in bounded time
    const probeStarted = Date.now();
    const ready = await fetch(`${worker.url}/readyz`);
    expect(Date.now() - probeStarted).toBeLessThan(4_000);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('5');
    expect((await ready.json()).checks.s3.ok).toBe(false);
    // an upload meanwhile: a typed 503 the client can retry
    await api('POST', `/v1/runs`, { name: 'during' }).then(async ({ json }) => {
      await api('POST', `/v1/runs/${json.id}/assets`, { assets: [{ assetId: 'late.jpg', modality: 'image' }] });
      const late = await api(
        'PUT',
        `/v1/runs/${json.id}/assets/late.jpg/content`,
        new Uint8Array(readFileSync(join(OPENCV_DATA, photos[0]))),
        { 'content-type': 'image/jpeg' },
      );
      expect([late.status, late.json.error.code, late.headers.get('retry-after')]).toEqual([503, 'storage_unavailable', '5']);
    });

    const paused = /^assay_worker_paused\{queue="image"[^}]*\} 1$/m;
    for (let i = 0; i < 100 && !paused.test(await fetch(`${worker.url}/metrics`).then((r) => r.text())); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await fetch(`${worker.url}/metrics`).then((r) => r.text())).toMatch(paused);
    await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - downAt)));
    const during = await api('GET', `/v1/runs/${run.id}`);
    expect(during.json.counts.failed).toBe(0);
    expect(during.json.counts.pending).toBeGreaterThan(0);

    await startS3();
    const closed = await waitForClosed(api, run.id, 120_000);
    expect(closed.counts).toMatchObject({ submitted: assets.length, completed: assets.length, failed: 0 });
    // deferred jobs used no attempt: each completed within the attempts of ordinary faults
    const jobs = await imageQueue.getCompleted(0, -1);
    expect(jobs.filter((j) => j.data.runId === run.id)).toHaveLength(assets.length);
    for (const job of jobs) expect(job.attemptsMade).toBeLessThan(5);
    expect(worker.logs.some((l) => l.includes('dependency down: worker paused'))).toBe(true);
    expect(worker.logs.some((l) => l.includes('dependencies answer again: worker resumed'))).toBe(true);
    expect(worker.logs.filter((l) => /"level":50/.test(l))).toEqual([]);
  }, 240_000);
});
