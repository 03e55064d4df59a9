import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
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
    expect(res.headers.get('retry-after')).toBe('5');
    expect(body.checks.redis.ok).toBe(false);
    expect(body.checks.s3.ok).toBe(true);
  });
});

describe('Redis full (noeviction)', () => {
  it('answers 503 redis_unavailable when Redis refuses writes for lack of memory', async () => {
    const port = await freePort();
    const redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    const url = `redis://127.0.0.1:${port}`;
    const client = new Redis(url, { retryStrategy: (n) => (n > 50 ? null : 100) });
    client.on('error', () => undefined); // refused until redis-server listens; ioredis retries
    try {
      await client.ping();
      // 3 MB of data, then a 1 MB limit: far over it, so every write is refused whatever buffers do
      for (let i = 0; i < 48; i++) await client.set(`filler:${i}`, 'x'.repeat(64 * 1024));
      await client.config('SET', 'maxmemory', '1mb');
      await expect(client.set('probe', '1')).rejects.toThrow(/OOM command not allowed/);
      const app = await createIngestApp(
        loadConfig(serviceEnv('assay-test-full', s3.s3.endpoint, { REDIS_URL: url, PORT: String(await freePort()) })),
        quietLogger(),
        createMetricsRegistry('ingest'),
      );
      try {
        const res = await fetch(`${app.url}/v1/runs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'x' }),
        });
        expect([res.status, (await res.json()).error.code]).toEqual([503, 'redis_unavailable']);
      } finally {
        await app.close();
      }
    } finally {
      client.disconnect();
      redis.kill();
    }
  });
});
