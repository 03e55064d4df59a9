import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { queuePrefix, type ResultRecord } from '@assay/contracts';
import { dropPrefix, REDIS_URL, startTestS3, testPrefix, type TestS3 } from '../helpers/env.js';
import { rawOf, texturedRgb } from '../helpers/images.js';
import { bytesOf, photo, stillClip } from '../helpers/media.js';
import { apiClient, stackEnv, startService, waitForClosed, type RunningService } from '../helpers/services.js';

const prefix = testPrefix('crash');
let s3: TestS3;
let env: Record<string, string>;
let api: ReturnType<typeof apiClient>;
const services: RunningService[] = [];
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const imageQueue = new Queue('image', { connection: redis, prefix: queuePrefix(prefix, 'image') });

beforeAll(async () => {
  s3 = await startTestS3();
  // short locks so a dead worker's job is noticed within seconds
  env = stackEnv(prefix, s3.s3.endpoint, { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000', WORKER_CONCURRENCY: '1' });
  services.push(await startService('aggregator', env));
  const ingest = await startService('ingest', env);
  services.push(ingest);
  api = apiClient(ingest.url);
});
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop('SIGKILL')));
  await imageQueue.close();
  redis.disconnect();
  await s3.close();
  await dropPrefix(prefix);
});

async function submitRun(n: number, seed: number): Promise<string> {
  const run = (await api('POST', '/v1/runs', { name: `crash-${seed}` })).json;
  const ids = Array.from({ length: n }, (_, i) => `big-${i}.png`);
  await api('POST', `/v1/runs/${run.id}/assets`, { assets: ids.map((assetId) => ({ assetId, modality: 'image' })) });
  for (let i = 0; i < n; i++) {
    const png = await sharp(texturedRgb(1800, 1350, seed + i), rawOf(1800, 1350))
      .png({ compressionLevel: 1 })
      .toBuffer();
    expect((await api('PUT', `/v1/runs/${run.id}/assets/${ids[i]}/content`, new Uint8Array(png))).status).toBe(202);
  }
  await api('POST', `/v1/runs/${run.id}/close`);
  return run.id;
}

async function activeJobIds(): Promise<string[]> {
  for (let i = 0; i < 600; i++) {
    const active = await imageQueue.getActive();
    if (active.length) return active.map((j) => j.id!);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no job became active');
}

async function results(runId: string): Promise<ResultRecord[]> {
  const out: ResultRecord[] = [];
  for (const key of await s3.store.list('assay', `runs/${runId}/results/`)) {
    out.push(
      ...Buffer.from(await s3.store.get({ bucket: 'assay', key }))
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ResultRecord),
    );
  }
  return out;
}

describe('worker failure', () => {
  it('a job whose worker is SIGKILLed is retried by another worker and counted exactly once', async () => {
    const first = await startService('worker', env);
    services.push(first);
    const runId = await submitRun(10, 1);
    const killed = await activeJobIds();
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startService('worker', env);
    services.push(second);

    const closed = await waitForClosed(api, runId);
    expect(closed.counts).toMatchObject({ submitted: 10, completed: 10, failed: 0, pending: 0 });
    const records = await results(runId);
    expect(records).toHaveLength(10);
    expect(new Set(records.map((r) => r.assetId)).size).toBe(10);
    for (const jobId of killed) {
      const record = records.find((r) => r.jobId === jobId)!;
      expect(record.worker.pid).toBe(second.child.pid);
      expect((await imageQueue.getJob(jobId))?.stalledCounter).toBeGreaterThanOrEqual(1);
    }
    await second.stop();
  }, 120_000);

  it("a video worker SIGKILLed mid-decode leaves its temp directory; the next worker's start removes it", async () => {
    // a private TMPDIR, so what the workers leave there is theirs
    const tmp = mkdtempSync(join(tmpdir(), 'assay-test-crash-tmp-'));
    try {
      const videoEnv = { ...env, TMPDIR: tmp, MEDIA_TIMEOUT_MS: '60000' };
      const first = await startService('worker', videoEnv);
      services.push(first);
      const run = (await api('POST', '/v1/runs', { name: 'crash-video', suite: 'video-default' })).json;
      await api('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'slow.mp4', modality: 'video' }] });
      // long enough to be caught while its bytes are on disk
      const clip = stillClip(join(tmp, 'slow.mp4'), { image: photo('baboon.jpg'), seconds: 20, width: 640, height: 480 });
      expect((await api('PUT', `/v1/runs/${run.id}/assets/slow.mp4/content`, bytesOf(clip))).status).toBe(202);
      const mediaDirs = () => readdirSync(tmp).filter((n) => n.startsWith('assay-media-'));
      for (let i = 0; i < 600 && !mediaDirs().length; i++) await new Promise((r) => setTimeout(r, 20));
      expect(mediaDirs()).toEqual([expect.stringMatching(new RegExp(`^assay-media-${first.child.pid}-`))]);
      first.child.kill('SIGKILL');
      await first.exited;
      expect(mediaDirs()).toHaveLength(1); // nobody removes it: the process is gone

      const second = await startService('worker', videoEnv);
      services.push(second);
      expect(mediaDirs().filter((n) => n.includes(`-${first.child.pid}-`))).toEqual([]);
      expect(second.logs.some((l) => l.includes('removed temp directories of media jobs whose worker died'))).toBe(true);
      // ONNX Runtime's telemetry is off: no mat-debug-<pid>.log from either worker
      expect(readdirSync(tmp).filter((n) => n.startsWith('mat-debug'))).toEqual([]);
      await api('POST', `/v1/runs/${run.id}/close`);
      const closed = await waitForClosed(api, run.id, 120_000);
      expect(closed.counts).toMatchObject({ submitted: 1, completed: 1, failed: 0 });
      await second.stop();
      expect(mediaDirs()).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 180_000);

  it('SIGTERM lets the active job finish before the worker exits', async () => {
    const worker = await startService('worker', env);
    services.push(worker);
    const runId = await submitRun(6, 50);
    const active = await activeJobIds();
    expect(await worker.stop('SIGTERM')).toBe(0);
    const next = await startService('worker', env);
    services.push(next);
    await waitForClosed(api, runId);
    const records = await results(runId);
    expect(records).toHaveLength(6);
    for (const jobId of active) {
      expect(records.find((r) => r.jobId === jobId)!.worker.pid).toBe(worker.child.pid);
      expect((await imageQueue.getJob(jobId))?.stalledCounter).toBe(0);
    }
  }, 120_000);
});
