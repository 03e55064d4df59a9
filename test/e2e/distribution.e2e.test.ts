import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SweepObjects,
  type ComparisonView,
  type ReferenceSet,
  type RunDistributionView,
  type SweepOutcome,
  type SweepRunRecord,
} from '@assay/contracts';
import { convertNsfwjs } from '@assay/model-tools';
import { isolatedEnv } from '../../cli/test/helpers.js';
import { dropPrefix, OPENCV_DATA, startTestS3, TEST_API_KEY, testPrefix, type TestS3 } from '../helpers/env.js';
import { apiClient, stackEnv, startService, type RunningService } from '../helpers/services.js';

/**
 * Distribution metrics end to end on real photographs (opencv-doc): the worker stores the MobileNetV2 pooled
 * features of every image it classifies (the converted nsfwjs model in MODEL_DIR), the post-close job keeps
 * each run's moments and sample, a golden run becomes a reference set, and candidate runs are measured
 * against it over the API (`GET /v1/runs/:id/distribution?reference=`) and in a comparison.
 */
const prefix = testPrefix('distribution');
const root = mkdtempSync(join(tmpdir(), 'assay-distribution-e2e-'));
const PHOTOS = readdirSync(OPENCV_DATA)
  .filter((f) => /\.(jpg|png)$/.test(f))
  .sort()
  .slice(0, 32);
const SUITE = `name: e2e-distribution
description: the nsfw classifier (whose pooled features are stored as embeddings) and sharpness
modality: image
metrics:
  - metric: nsfw
  - metric: sharpness
`;
/** Nightly sweeps measured against reference sets (triggered by hand here: their schedule never fires in the test). */
const sweepFile = (name: string, referenceSet: string) => `name: ${name}
description: a nightly benchmark judged against a golden reference set
schedule:
  cron: '0 0 1 1 *'
  timezone: UTC
manifest:
  uri: s3://bench/${name}/{date}/manifest.jsonl
suite: e2e-distribution
baseline: reference-set:${referenceSet}
policy: image-launch
deadline: 10m
`;
let s3: TestS3;
let ingest: RunningService;
const services: RunningService[] = [];
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  s3 = await startTestS3(['assay', 'bench']);
  const modelDir = join(root, 'models');
  convertNsfwjs({ outDir: modelDir });
  mkdirSync(join(root, 'suites'));
  writeFileSync(join(root, 'suites', 'e2e-distribution.yaml'), SUITE);
  mkdirSync(join(root, 'sweeps'));
  writeFileSync(join(root, 'sweeps', 'golden-night.yaml'), sweepFile('golden-night', 'golden-photos'));
  writeFileSync(join(root, 'sweeps', 'lost-night.yaml'), sweepFile('lost-night', 'no-such-set'));
  const env = stackEnv(prefix, s3.s3.endpoint, {
    LOG_LEVEL: 'warn',
    MODEL_DIR: modelDir,
    SUITES_DIR: join(root, 'suites'),
    SWEEPS_DIR: join(root, 'sweeps'),
    SWEEP_POLL_INTERVAL_MS: '300',
    S3_ALLOWED_BUCKETS: 'bench',
  });
  services.push(await startService('aggregator', env), await startService('worker', env));
  ingest = await startService('ingest', env);
  services.push(ingest);
  api = apiClient(ingest.url);
}, 180_000);
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await s3?.close();
  await dropPrefix(prefix);
  rmSync(root, { recursive: true, force: true });
});

function assay(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['cli/bin/assay.js', ...args],
      { env: isolatedEnv({ HOME: root, ASSAY_URL: ingest.url, ASSAY_API_KEY: TEST_API_KEY }), timeout: 170_000, maxBuffer: 1 << 26 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A model version's outputs: every photo at 320 px through `variant`, scored with `assay eval`; its run id once closed. */
async function evalRun(name: string, variant: (img: sharp.Sharp) => Promise<Buffer>, suite = 'e2e-distribution'): Promise<string> {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [i, photo] of PHOTOS.entries()) {
    const bytes = await variant(sharp(join(OPENCV_DATA, photo)).resize(320, 320, { fit: 'inside' }).removeAlpha());
    writeFileSync(join(dir, `${String(i).padStart(2, '0')}.${bytes[0] === 0xff ? 'jpg' : 'png'}`), bytes);
  }
  const r = await assay(['eval', dir, '--run', name, '--model-version', name, '--suite', suite, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { runId: string }).runId;
}

/** Polls the run's distribution until its run-level metrics are done (409 run_metrics_pending until then). */
async function distribution(
  runId: string,
  query = '',
): Promise<{ status: number; json: RunDistributionView & { error?: { code: string } } }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await api('GET', `/v1/runs/${runId}/distribution${query}`);
    if (r.status !== 409 || r.json.error?.code !== 'run_metrics_pending' || Date.now() > deadline) return r;
    expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    await new Promise((res) => setTimeout(res, 300));
  }
}

describe('distribution metrics end to end', () => {
  let golden: string;
  beforeAll(async () => {
    golden = await evalRun('golden', (img) => img.png().toBuffer());
  }, 180_000);

  it('a run’s embedding sets: MobileNetV2 pooled features of every photo, labelled FD_MobileNetV2', async () => {
    const r = await distribution(golden);
    expect(r.status).toBe(200);
    expect(r.json.sets).toHaveLength(1);
    expect(r.json.sets[0]).toMatchObject({
      model: { id: 'nsfw-mobilenet-v2', dims: 1280, features: 'MobileNetV2' },
      labels: { frechet: 'FD_MobileNetV2' },
      n: PHOTOS.length,
      sampled: PHOTOS.length,
      missing: 0,
    });
    expect(r.json.sets[0].model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.json.sets[0].totalVariance).toBeGreaterThan(0);
  });

  it('a reference set from the golden run; candidates measured against it: JPEG q90 closer than blurred', async () => {
    const created = await api('POST', '/v1/reference-sets', { name: 'golden-photos', runId: golden, description: 'opencv-doc photos' });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect((created.json as ReferenceSet).sets[0].n).toBe(PHOTOS.length);
    const again = await api('POST', '/v1/reference-sets', { name: 'golden-photos', runId: golden });
    expect([again.status, again.json.error.code]).toEqual([409, 'reference_set_exists']);
    expect((await api('GET', '/v1/reference-sets')).json.map((s: ReferenceSet) => s.name)).toEqual(['golden-photos']);

    const jpeg = await evalRun('jpeg90', (img) => img.jpeg({ quality: 90 }).toBuffer());
    const blurred = await evalRun('blurred', (img) => img.blur(2.5).png().toBuffer());
    const fd = async (runId: string) => {
      const r = await distribution(runId, '?reference=golden-photos');
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      const [d] = r.json.reference!.distances;
      expect(d.labels).toMatchObject({ frechet: 'FD_MobileNetV2', kid: 'KID_MobileNetV2' });
      expect(d.frechet.n).toEqual([PHOTOS.length, PHOTOS.length]);
      return d;
    };
    const [j, b] = [await fd(jpeg), await fd(blurred)];
    console.log(`FD_MobileNetV2 against golden-photos: JPEG q90 ${j.frechet.value.toFixed(3)}, blurred ${b.frechet.value.toFixed(3)}`);
    expect(j.frechet.value).toBeLessThan(b.frechet.value);
    expect(j.kid.mean).toBeLessThan(b.kid.mean);
    expect(j.prdc.coverage).toBeGreaterThanOrEqual(b.prdc.coverage);
    // the CLI: keep a run as a reference set, measure a run against it (text and JSON)
    const kept = await assay(['distribution', 'golden', '--keep-as', 'golden-cli', '--description', 'the same photos']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stderr).toContain('reference set golden-cli kept');
    const text = await assay(['distribution', 'blurred', '--reference', 'golden-cli']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/against reference set golden-cli \(seed 1\):\n {2}MobileNetV2: FD_MobileNetV2 [0-9.]+/);
    const json = await assay(['distribution', 'blurred', '--reference', 'golden-cli', '--json']);
    expect((JSON.parse(json.stdout) as RunDistributionView).reference!.distances[0].frechet.value).toBe(b.frechet.value);
    const unknown = await assay(['distribution', 'blurred', '--reference', 'nope']);
    expect([unknown.code, unknown.stderr]).toEqual([3, expect.stringContaining('reference_set_not_found')]);
    // kept: the second request reads the stored answer
    expect((await fd(blurred)).frechet.value).toBe(b.frechet.value);

    // the blurred run closed after the reference set existed: its model version's rolling FD is on the aggregator's /metrics
    const metrics = await (await fetch(`${services[0].url}/metrics`)).text();
    const rolling = new RegExp(
      '^assay_distribution_frechet\\{model_version="blurred",reference_set="golden-photos",embedding_model="nsfw-mobilenet-v2@[^"]+",' +
        'component="aggregator"\\} ([0-9.e+-]+)$',
      'm',
    ).exec(metrics);
    expect(
      rolling,
      metrics
        .split('\n')
        .filter((l) => l.includes('frechet'))
        .join('\n'),
    ).not.toBeNull();
    expect(Math.abs(Number(rolling![1]) - b.frechet.value) / b.frechet.value).toBeLessThan(1e-9);

    const cmp = await assay(['compare', 'golden', 'blurred', '--policy', 'image-launch', '--json', '--resamples', '1000']);
    const view = JSON.parse(cmp.stdout) as ComparisonView;
    const [shift] = view.result!.distribution;
    expect(shift.labels.frechet).toBe('FD_MobileNetV2');
    expect(Math.abs(shift.frechet.value - b.frechet.value) / b.frechet.value).toBeLessThan(1e-9);
  }, 240_000);

  it('typed refusals: unknown reference set 404, a run without embeddings 400 no_embeddings, bad names 400', async () => {
    const missing = await distribution(golden, '?reference=no-such-set');
    expect([missing.status, missing.json.error!.code]).toEqual([404, 'reference_set_not_found']);
    const plain = await evalRun('plain', (img) => img.png().toBuffer(), 'image-fast');
    const none = await distribution(plain, '?reference=golden-photos');
    expect([none.status, none.json.error!.code]).toEqual([400, 'no_embeddings']);
    const asSet = await api('POST', '/v1/reference-sets', { name: 'plain', runId: plain });
    expect([asSet.status, asSet.json.error.code]).toEqual([400, 'no_embeddings']);
    const bad = await api('POST', '/v1/reference-sets', { name: '../x', runId: golden });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'validation_failed']);
    expect((await api('GET', '/v1/runs/run_nope/distribution')).json.error.code).toBe('run_not_found');
  }, 180_000);

  it('a nightly sweep with baseline reference-set:<name> is compared with the set’s run; its verdict carries the distribution', async () => {
    const date = '2026-12-01';
    const lines = PHOTOS.map((photo, i) => ({
      assetId: `night-${i}`,
      modality: 'image',
      uri: `s3://bench/photos/${i}.png`,
      prompt: `photo ${photo}`,
      modelVersion: 'nightly-1',
    }));
    for (const [i, photo] of PHOTOS.entries()) {
      const png = await sharp(join(OPENCV_DATA, photo)).resize(320, 320, { fit: 'inside' }).removeAlpha().jpeg({ quality: 90 }).toBuffer();
      await s3.store.put({ bucket: 'bench', key: `photos/${i}.png` }, png, 'image/jpeg');
    }
    for (const sweep of ['golden-night', 'lost-night'])
      await s3.store.put({ bucket: 'bench', key: `${sweep}/${date}/manifest.jsonl` }, lines.map((l) => JSON.stringify(l)).join('\n'));
    const golden = (await api('GET', '/v1/reference-sets/golden-photos')).json as ReferenceSet;
    for (const sweep of ['golden-night', 'lost-night'])
      expect((await api('POST', `/v1/sweeps/${sweep}/trigger`, { date })).status).toBe(202);

    const finished = async (sweep: string): Promise<SweepRunRecord> => {
      const deadline = Date.now() + 150_000;
      for (;;) {
        const runs = (await api('GET', `/v1/sweeps/${sweep}`)).json.runs as SweepRunRecord[];
        const run = runs.find((r) => r.date === date);
        if (run && (run.state === 'done' || run.state === 'failed')) return run;
        if (Date.now() > deadline) throw new Error(`${sweep} did not finish: ${JSON.stringify(run)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const lost = await finished('lost-night');
    expect(lost).toMatchObject({ state: 'failed', error: { code: 'reference_set_not_found' } });

    const night = await finished('golden-night');
    expect(night.state, JSON.stringify(night)).toBe('done');
    const outcome = JSON.parse(
      Buffer.from(await s3.store.get({ bucket: 'assay', key: SweepObjects.verdict('golden-night', date) })).toString('utf8'),
    ) as SweepOutcome;
    expect(outcome.baselineRunId).toBe(golden.runId);
    expect(outcome.verdict).not.toBeNull();
    const [d] = outcome.distribution;
    expect(d.labels.frechet).toBe('FD_MobileNetV2');
    expect(d.frechet.n).toEqual([PHOTOS.length, PHOTOS.length]);
    console.log(`sweep golden-night against golden-photos: ${outcome.verdict}, FD_MobileNetV2 ${d.frechet.value.toFixed(3)}`);
  }, 240_000);
});
