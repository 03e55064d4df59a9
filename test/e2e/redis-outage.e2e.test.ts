import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freePort, startTestS3, testPrefix, type TestS3 } from '../helpers/env.js';
import { stackEnv, startService, type RunningService } from '../helpers/services.js';

/**
 * Readiness probes must answer while Redis is down: the worker's and aggregator's connections queue
 * commands until Redis is back (BullMQ needs that), so their /readyz used to hang with them. Now every
 * check has a time limit and the answer names the check that failed.
 */
let s3: TestS3;
let redisServer: ChildProcess;
const services: RunningService[] = [];

beforeAll(async () => {
  s3 = await startTestS3();
  const port = await freePort();
  redisServer = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { retryStrategy: (n) => (n > 50 ? null : 100) });
  probe.on('error', () => undefined);
  await probe.ping();
  probe.disconnect();
  const env = stackEnv(testPrefix('redis-outage'), s3.s3.endpoint, { REDIS_URL: url, WORKER_MODALITIES: 'image' });
  services.push(await startService('worker', env), await startService('aggregator', env));
}, 120_000);
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop('SIGKILL')));
  redisServer?.kill('SIGKILL');
  await s3.close();
});

describe('/readyz while Redis is down', () => {
  it('worker and aggregator answer 503 within a bounded time, naming redis, with Retry-After', async () => {
    for (const s of services) expect((await fetch(`${s.url}/readyz`)).status, s.name).toBe(200);
    redisServer.kill('SIGKILL');
    await new Promise((r) => redisServer.once('exit', r));
    for (const s of services) {
      const started = Date.now();
      const res = await fetch(`${s.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
      const elapsed = Date.now() - started;
      const body = await res.json();
      expect([res.status, res.headers.get('retry-after')], s.name).toEqual([503, '5']);
      expect(elapsed, s.name).toBeLessThan(3_000);
      expect(body.checks.redis, s.name).toMatchObject({ ok: false });
      expect(body.checks.s3, s.name).toMatchObject({ ok: true });
    }
  }, 30_000);
});
