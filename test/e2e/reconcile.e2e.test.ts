import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { queuePrefix, type RunSummary } from '@assay/contracts';
import { dropPrefix, REDIS_URL, startTestS3, testPrefix, type TestS3 } from '../helpers/env.js';
import { apiClient, stackEnv, startService, waitForClosed, type RunningService } from '../helpers/services.js';

const prefix = testPrefix('reconcile');
let s3: TestS3;
const services: RunningService[] = [];
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const imageQueue = new Queue('image', { connection: redis, prefix: queuePrefix(prefix, 'image') });

beforeAll(async () => {
  s3 = await startTestS3();
  const env = stackEnv(prefix, s3.s3.endpoint);
  services.push(await startService('aggregator', env), await startService('ingest', env));
});
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await imageQueue.close();
  redis.disconnect();
  await s3.close();
  await dropPrefix(prefix);
});

describe('reconciliation of a closing run', () => {
  it('records an asset whose job vanished without a result as failed, so the run still closes', async () => {
    const api = apiClient(services[1].url);
    const run = (await api('POST', '/v1/runs', { name: 'lost-job' })).json;
    const submitted = await api('POST', `/v1/runs/${run.id}/assets`, {
      assets: [{ assetId: 'lost.png', modality: 'image', uri: 's3://assay/x/lost.png' }],
    });
    // No worker runs here; the queued job disappears (as if removed by hand or lost with its Redis data).
    expect(await imageQueue.remove(submitted.json.assets[0].jobId)).toBe(1);
    await api('POST', `/v1/runs/${run.id}/close`);
    const closed = await waitForClosed(api, run.id, 30_000);
    expect(closed.counts).toMatchObject({ submitted: 1, completed: 0, failed: 1, pending: 0 });
    const read = async () =>
      JSON.parse(Buffer.from(await s3.store.get({ bucket: 'assay', key: `runs/${run.id}/summary.json` })).toString()) as RunSummary;
    const summary = await read();
    expect(summary.failures).toEqual({ internal_error: 1 });
    // complete before the run reads closed, and written once: later passes (every 300 ms here) leave it alone
    expect(summary).toMatchObject({ final: true, status: 'closed' });
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await read()).generatedAt).toBe(summary.generatedAt);
    const asset = (await api('GET', `/v1/runs/${run.id}/assets/lost.png`)).json;
    expect(asset.result.failure).toEqual({ code: 'internal_error', message: 'the scoring job is gone without a result' });
  });
});
