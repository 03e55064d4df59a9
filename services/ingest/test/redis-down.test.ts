import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@assay/config';
import { createIngestApp, type IngestApp } from '@assay/ingest';
import { createMetricsRegistry } from '@assay/observability';
import { freePort, quietLogger, serviceEnv, startTestS3, TEST_API_KEY, type TestS3 } from '../../../test/helpers/env.js';

let s3: TestS3;
let ingest: IngestApp;
beforeAll(async () => {
  s3 = await startTestS3();
  const deadRedis = `redis://127.0.0.1:${await freePort()}`;
  ingest = await createIngestApp(
    loadConfig(serviceEnv('assay-test-down', s3.s3.endpoint, { REDIS_URL: deadRedis, PORT: String(await freePort()) })),
    quietLogger(),
    createMetricsRegistry('ingest'),
  );
});
afterAll(async () => {
  await ingest.close();
  await s3.close();
});

describe('Redis down', () => {
  it('answers 503 redis_unavailable at once instead of queueing in memory', async () => {
    const started = Date.now();
    const res = await fetch(`${ingest.url}/v1/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    const body = await res.json();
    expect([res.status, body.error.code]).toEqual([503, 'redis_unavailable']);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('is not ready, and says why', async () => {
    const res = await fetch(`${ingest.url}/readyz`);
    const body = await res.json();
    expect(res.status).toBe(503);
    expect(body.checks.redis.ok).toBe(false);
    expect(body.checks.s3.ok).toBe(true);
  });
});
