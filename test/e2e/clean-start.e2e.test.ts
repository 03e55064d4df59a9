import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promtool } from '../deploy/tools.js';
import { dropPrefix, OPENCV_DATA, startTestS3, testPrefix, type TestS3 } from '../helpers/env.js';
import { apiClient, stackEnv, startService, waitForClosed, type RunningService } from '../helpers/services.js';

/**
 * A clean start is quiet: with Redis and S3 up and the optional models simply not installed (no MODEL_DIR), no
 * service logs a warning or an error; the worker says in one line what it serves and what not, and why. And
 * what the services export is clean Prometheus.
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
    for (const s of services)
      expect(
        levels(s).filter((l) => l === 'warn' || l === 'error' || l === 'fatal'),
        s.name,
      ).toEqual([]);
    const worker = services.find((s) => s.name === 'worker')!;
    const started = worker.logs.map((l) => JSON.parse(l) as Record<string, any>).find((l) => l.msg === 'worker service started')!;
    expect(started.suites).toEqual(expect.arrayContaining(['image-default', 'video-default', 'audio-default', '3d-default', '3d-print']));
    // 3d-ar-product checks its rendered views with the NSFW classifier, which a clean start has not converted
    expect(Object.keys(started.unavailable).sort()).toEqual([
      '3d-ar-product',
      'image-alignment',
      'image-quality',
      'image-safety',
      'speech-quality',
    ]);
    expect(started.unavailable['image-safety']).toMatch(/model nsfw-mobilenet-v2: no manifest/);
    expect(started.unavailable['3d-ar-product']).toMatch(/model nsfw-mobilenet-v2: no manifest/);
  });
});

describe('/metrics', () => {
  it('passes promtool check metrics on every service, with counters at 0 and quality series once a run is scored', async () => {
    const api = apiClient(services.find((s) => s.name === 'ingest')!.url);
    const scrape = async (s: RunningService) => (await fetch(`${s.url}/metrics`)).text();
    // before any work: the known series exist at 0, and no label a target label would rename
    const [ingest, aggregator, worker] = await Promise.all(services.map(scrape));
    expect(ingest).toMatch(/^assay_requests_rejected_total\{code="redis_unavailable",component="ingest"\} 0$/m);
    expect(aggregator).toMatch(/^assay_assets_failed_total\{modality="video",reason="decode_timeout",component="aggregator"\} 0$/m);
    expect(worker).toMatch(/^assay_jobs_total\{queue="image",job_name="score-asset",outcome="failed",component="worker"\} 0$/m);
    expect(worker).toMatch(/^assay_metric_outcomes_total\{metric="sharpness",status="error",component="worker"\} 0$/m);
    for (const text of [ingest, aggregator, worker]) expect(text).not.toMatch(/[{,](job|service|instance|pod|namespace)="/);

    const runRecord = (await api('POST', '/v1/runs', { name: 'metrics', modelVersion: 'm-7', suite: 'image-default' })).json;
    const photos = ['fruits.jpg', 'baboon.jpg', 'building.jpg'];
    await api('POST', `/v1/runs/${runRecord.id}/assets`, { assets: photos.map((assetId) => ({ assetId, modality: 'image' })) });
    for (const p of photos)
      await api('PUT', `/v1/runs/${runRecord.id}/assets/${p}/content`, new Uint8Array(readFileSync(join(OPENCV_DATA, p))));
    await api('POST', `/v1/runs/${runRecord.id}/close`);
    await waitForClosed(api, runRecord.id);

    for (const s of services) {
      const r = spawnSync(promtool(), ['check', 'metrics'], { input: await scrape(s), encoding: 'utf8' });
      expect(r.status, `${s.name}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    const quality = await scrape(services.find((s) => s.name === 'aggregator')!);
    const counted = [
      ...quality.matchAll(/^assay_quality_assets_total\{suite="image-default",model_version="m-7",result="(pass|fail)"[^}]*\} (\d+)$/gm),
    ];
    expect(counted.reduce((n, m) => n + Number(m[2]), 0)).toBe(3);
    expect(quality).toMatch(
      /^assay_quality_score_count\{suite="image-default",model_version="m-7",score="exposure.highlight_clip_ratio"[^}]*\} 3$/m,
    );
  }, 120_000);
});
