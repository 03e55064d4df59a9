import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, startTestS3, testPrefix, type TestS3 } from '../helpers/env.js';
import { stackEnv, startService, type RunningService } from '../helpers/services.js';

/**
 * A clean start is quiet: with Redis and S3 up and the optional models simply not installed (no MODEL_DIR),
 * no service logs a warning or an error; the worker says in one line what it serves and what not, and why.
 */
const prefix = testPrefix('clean-start');
let s3: TestS3;
const services: RunningService[] = [];

beforeAll(async () => {
  s3 = await startTestS3();
  const env = stackEnv(prefix, s3.s3.endpoint, { ASSAY_DATA_DIR: s3.dir });
  for (const name of ['ingest', 'aggregator', 'worker'] as const) services.push(await startService(name, env));
}, 120_000);
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await s3.close();
  await dropPrefix(prefix);
});

describe('a clean start', () => {
  it('logs no warning or error, and the worker one line of what it serves and what it cannot', () => {
    const levels = (s: RunningService) => s.logs.map((l) => (JSON.parse(l) as { level: string }).level);
    for (const s of services) expect(levels(s).filter((l) => l === 'warn' || l === 'error' || l === 'fatal'), s.name).toEqual([]);
    const worker = services.find((s) => s.name === 'worker')!;
    const started = worker.logs.map((l) => JSON.parse(l) as Record<string, any>).find((l) => l.msg === 'worker service started')!;
    expect(started.suites).toEqual(expect.arrayContaining(['image-default', 'video-default', 'audio-default']));
    expect(Object.keys(started.unavailable).sort()).toEqual(['image-alignment', 'image-quality', 'image-safety', 'speech-quality']);
    expect(started.unavailable['image-safety']).toMatch(/model nsfw-mobilenet-v2: no manifest/);
  });
});
