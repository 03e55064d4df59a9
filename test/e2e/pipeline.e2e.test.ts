import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { AnalyticsObjects, RunObjects, type ResultRecord, type RunSummary } from '@assay/contracts';
import { download, duckdb } from '../helpers/duckdb.js';
import { dropPrefix, startTestS3, TEST_API_KEY, testPrefix, type TestS3 } from '../helpers/env.js';
import { pngDeclaring, rawOf, texturedRgb } from '../helpers/images.js';
import { apiClient, stackEnv, startService, waitForClosed, type RunningService } from '../helpers/services.js';

/** Independent of the worker's code: OpenCV-rounded luma, reflect-101 Laplacian, two-pass variance. */
async function independentSharpness(bytes: Buffer): Promise<number> {
  const { data, info } = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const y = (r: number, c: number) => {
    const rr = r < 0 ? -r : r >= h ? 2 * h - 2 - r : r;
    const cc = c < 0 ? -c : c >= w ? 2 * w - 2 - c : c;
    const i = (rr * w + cc) * 3;
    return (data[i] * 9798 + data[i + 1] * 19235 + data[i + 2] * 3735 + 16384) >> 15;
  };
  const values: number[] = [];
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) values.push(y(r - 1, c) + y(r + 1, c) + y(r, c - 1) + y(r, c + 1) - 4 * y(r, c));
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
}

/** The value of the one sample of `name` whose labels include `labels` (label order does not matter). */
function sample(exposition: string, name: string, labels: Record<string, string>): number {
  const lines = exposition
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  expect(lines).toHaveLength(1);
  return Number(lines[0].split(' ').at(-1));
}

const prefix = testPrefix('e2e');
let s3: TestS3;
const services: RunningService[] = [];
let ingest: RunningService;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  s3 = await startTestS3();
  const env = stackEnv(prefix, s3.s3.endpoint);
  services.push(await startService('aggregator', env), await startService('worker', env));
  ingest = await startService('ingest', env);
  services.push(ingest);
  api = apiClient(ingest.url);
});
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await s3.close();
  await dropPrefix(prefix);
});

describe('the pipeline, end to end over HTTP, Redis, S3 and the real model', () => {
  const good = new Map<string, Buffer>();
  const pairs: [string, string][] = [];
  let runId: string;

  it('scores ≥ 50 images, fails the bad ones with reasons, and writes an exact summary', async () => {
    for (let i = 0; i < 22; i++) {
      const w = 96 + (i % 5) * 48;
      const h = 80 + (i % 3) * 40;
      const rgb = texturedRgb(w, h, 100 + i);
      const source = await sharp(rgb, rawOf(w, h)).png().toBuffer();
      const blurred = await sharp(rgb, rawOf(w, h))
        .blur(1.5 + (i % 3))
        .jpeg({ quality: 90 })
        .toBuffer();
      good.set(`gen/${i}.png`, source);
      good.set(`gen/${i}-blurred.jpg`, blurred);
      pairs.push([`gen/${i}.png`, `gen/${i}-blurred.jpg`]);
    }
    for (const f of ['sharp.jpg', 'blurred.jpg', 'noisy.jpg', 'overexposed.jpg', 'underexposed.jpg', 'with-text.jpg'])
      good.set(`samples/${f}`, readFileSync(`samples/${f}`));
    expect(good.size).toBeGreaterThanOrEqual(50);

    const run = await api('POST', '/v1/runs', { name: 'e2e', modelVersion: 'gen-v1', labels: { test: 'e2e' } });
    runId = run.json.id;
    // Some assets arrive by URI (already in the bucket), the rest are uploaded through the API.
    const byUri = [...good.keys()].filter((_, i) => i % 6 === 0);
    for (const id of byUri) await s3.store.put({ bucket: 'assay', key: `incoming/${id}` }, good.get(id)!);
    await s3.store.put({ bucket: 'assay', key: 'incoming/empty.png' }, new Uint8Array());
    const bad: Record<string, Buffer> = {
      'bad/truncated.png': good.get('gen/0.png')!.subarray(0, 200),
      'bad/not-an-image.png': Buffer.from('this is a text file pretending to be a PNG'),
      'bad/bomb.png': pngDeclaring(40_000, 40_000),
    };
    const assets = [
      ...[...good.keys()].map((id) => ({
        assetId: id,
        modality: 'image',
        prompt: `prompt for ${id}`,
        attributes: { group: id.split('/')[0] },
        uri: byUri.includes(id) ? `s3://assay/incoming/${id}` : undefined,
      })),
      ...Object.keys(bad).map((id) => ({ assetId: id, modality: 'image' })),
      { assetId: 'bad/empty.png', modality: 'image', uri: 's3://assay/incoming/empty.png' },
      { assetId: 'bad/missing.png', modality: 'image', uri: 's3://assay/incoming/nowhere.png' },
      { assetId: 'bad/never-uploaded.png', modality: 'image' },
    ];
    const submitted = await api('POST', `/v1/runs/${runId}/assets`, { assets });
    expect(submitted.json).toMatchObject({ accepted: assets.length, duplicates: 0 });
    for (const [id, bytes] of [...good].filter(([id]) => !byUri.includes(id)).concat(Object.entries(bad))) {
      const res = await api('PUT', `/v1/runs/${runId}/assets/${encodeURIComponent(id)}/content`, new Uint8Array(bytes));
      expect(res.status).toBe(202);
    }
    expect((await api('POST', `/v1/runs/${runId}/close`)).json.status).toBe('closing');
    const closed = await waitForClosed(api, runId);
    expect(closed.counts).toEqual({
      submitted: good.size + 6,
      awaitingContent: 0,
      pending: 0,
      completed: good.size,
      failed: 6,
      duplicates: 0,
    });

    const summary = JSON.parse(
      Buffer.from(await s3.store.get({ bucket: 'assay', key: `runs/${runId}/summary.json` })).toString(),
    ) as RunSummary;
    expect(summary).toMatchObject({ runId, final: true, status: 'closed', modelVersion: 'gen-v1', counts: closed.counts });
    expect(summary.failures).toEqual({ decode_error: 2, image_too_large: 1, empty_content: 1, source_not_found: 1, content_missing: 1 });

    // every result exactly once across the NDJSON parts
    const keys = await s3.store.list('assay', `runs/${runId}/results/`);
    const records: ResultRecord[] = [];
    for (const key of keys)
      records.push(
        ...Buffer.from(await s3.store.get({ bucket: 'assay', key }))
          .toString()
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as ResultRecord),
      );
    expect(records).toHaveLength(good.size + 6);
    expect(new Set(records.map((r) => r.assetId)).size).toBe(good.size + 6);
    // every record says which run it belongs to, whoever wrote it (worker, or the aggregator for content_missing)
    for (const r of records) expect(r).toMatchObject({ runName: 'e2e', runLabels: { test: 'e2e' } });
    // the stored run record is current: closed, with the time the final summary records
    const stored = JSON.parse(Buffer.from(await s3.store.get({ bucket: 'assay', key: `runs/${runId}/run.json` })).toString());
    expect(stored).toMatchObject({ id: runId, name: 'e2e', status: 'closed', closedAt: closed.closedAt });
    const byId = new Map(records.map((r) => [r.assetId, r]));

    // metric values against an independent computation, and the summary against the records
    const sharpness: number[] = [];
    for (const [id, bytes] of good) {
      const r = byId.get(id)!;
      expect(r.status).toBe('completed');
      const want = await independentSharpness(bytes);
      expect(Math.abs(r.scores['sharpness.laplacian_variance'] - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, want));
      sharpness.push(r.scores['sharpness.laplacian_variance']);
    }
    for (const [src, blurred] of pairs)
      expect(byId.get(blurred)!.scores['sharpness.laplacian_variance']).toBeLessThan(byId.get(src)!.scores['sharpness.laplacian_variance']);
    const s = summary.scores['sharpness.laplacian_variance'];
    expect(s.count).toBe(good.size);
    expect(Math.abs(s.mean - sharpness.reduce((a, v) => a + v, 0) / sharpness.length) / s.mean).toBeLessThan(1e-9);
    expect([s.min, s.max]).toEqual([Math.min(...sharpness), Math.max(...sharpness)]);
    // what the catalog says about the score, and the metric version that produced every value
    expect(s).toMatchObject({
      direction: 'higher',
      metricVersion: byId.get('samples/sharp.jpg')!.metrics.find((m) => m.metric === 'sharpness')!.version,
    });
    expect(summary.scores['exposure.highlight_clip_ratio']).toMatchObject({ direction: 'lower' });
    expect(summary.scores['resolution.width']).toMatchObject({ direction: 'none', unit: 'px' });
    expect(summary.metricVersions.sharpness).toEqual({ [s.metricVersion!]: good.size });
    expect(byId.get('samples/with-text.jpg')!.scores['text.region_count']).toBeGreaterThanOrEqual(1);
    expect(byId.get('samples/with-text.jpg')!.scores['text.unexpected_text']).toBe(1);
    expect(byId.get('samples/sharp.jpg')!.scores['text.region_count']).toBe(0);
    expect(summary.nearDuplicates).toMatchObject({ fingerprint: 'perceptual_hash.phash', hashed: good.size });
    expect(byId.get('samples/overexposed.jpg')!.scores['exposure.highlight_clip_ratio']).toBeGreaterThan(
      byId.get('samples/sharp.jpg')!.scores['exposure.highlight_clip_ratio'],
    );
    // image-default's exposure thresholds: the over- and under-exposed samples fail them
    expect(byId.get('samples/overexposed.jpg')!.checks).toMatchObject({
      pass: false,
      failures: [{ score: 'exposure.highlight_clip_ratio' }],
    });
    expect(byId.get('samples/underexposed.jpg')!.checks).toMatchObject({
      pass: false,
      failures: [{ score: 'exposure.shadow_clip_ratio' }],
    });
    const passed = [...good.keys()].filter((id) => byId.get(id)!.checks!.pass).length;
    expect(summary.passRates.assets).toEqual({ passed, failed: good.size - passed, rate: passed / good.size });
  });

  it('writes the closed run as Parquet: DuckDB gives the summary’s counts, mean and pass count, and the partitions', async () => {
    const deadline = Date.now() + 60_000;
    while ((await api('GET', `/v1/runs/${runId}/run-metrics`)).json.status !== 'done' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 300));
    const run = (await api('GET', `/v1/runs/${runId}`)).json;
    const summary = (await api('GET', `/v1/runs/${runId}/summary`)).json as RunSummary;
    const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-parquet-'));
    const db = await duckdb();
    try {
      const analytics = AnalyticsObjects.results(run.closedAt.slice(0, 10), run.suite, runId);
      await download(s3.store, 'assay', [RunObjects.resultsParquet(runId), analytics], dir);
      const [row] = await db.query(
        `SELECT count(*)::INT AS n, count(*) FILTER (status = 'failed')::INT AS failed, count(*) FILTER (pass)::INT AS passed,
           count(sharpness__laplacian_variance)::INT AS sharp, avg(sharpness__laplacian_variance) AS mean
         FROM read_parquet('${join(dir, RunObjects.resultsParquet(runId))}')`,
      );
      const s = summary.scores['sharpness.laplacian_variance'];
      expect(row).toMatchObject({ n: summary.counts.submitted, failed: 6, passed: summary.passRates.assets.passed, sharp: s.count });
      expect(Math.abs((row.mean as number) - s.mean) / s.mean).toBeLessThan(1e-9);
      expect(
        await db.query(
          `SELECT date::VARCHAR AS date, suite, count(*)::INT AS n
             FROM read_parquet('${join(dir, 'analytics/**/*.parquet')}', hive_partitioning = true) GROUP BY ALL`,
        ),
      ).toEqual([{ date: run.closedAt.slice(0, 10), suite: run.suite, n: summary.counts.submitted }]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves one asset with scores, provenance, and a failed one with its reason', async () => {
    const ok = (await api('GET', `/v1/runs/${runId}/assets/${encodeURIComponent('samples/with-text.jpg')}`)).json;
    expect(ok.state).toBe('completed');
    expect(ok.result.decode).toMatchObject({ format: 'jpeg', width: 512, height: 480, pixelLimit: 8192 * 8192 });
    const text = ok.result.metrics.find((m: { metric: string }) => m.metric === 'text');
    expect(text.model).toMatchObject({ id: 'ppocr-v4-det', provider: 'cpu', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(ok.result.metrics.every((m: { version: string }) => /^\d+\.\d+\.\d+$/.test(m.version))).toBe(true);
    expect(ok.result.prompt).toBe('prompt for samples/with-text.jpg');
    const failed = (await api('GET', `/v1/runs/${runId}/assets/${encodeURIComponent('bad/bomb.png')}`)).json;
    expect(failed).toMatchObject({ state: 'failed', result: { status: 'failed', failure: { code: 'image_too_large' } } });
    const missing = (await api('GET', `/v1/runs/${runId}/assets/${encodeURIComponent('bad/never-uploaded.png')}`)).json;
    expect(missing).toMatchObject({ state: 'failed', result: { failure: { code: 'content_missing' } } });
    const dead = (await api('GET', '/v1/queues/image/failed?limit=100')).json;
    expect(dead.jobs.map((j: { reason: string }) => j.reason).sort()).toEqual([
      'decode_error',
      'decode_error',
      'empty_content',
      'image_too_large',
      'source_not_found',
    ]);
  });

  it('exports Prometheus metrics and logs JSON lines carrying the ids', async () => {
    const [aggregator, worker] = services;
    const workerMetrics = await (await fetch(`${worker.url}/metrics`)).text();
    const aggMetrics = await (await fetch(`${aggregator.url}/metrics`)).text();
    expect(
      sample(workerMetrics, 'assay_inference_duration_seconds_count', { model: 'ppocr-v4-det', provider: 'cpu' }),
    ).toBeGreaterThanOrEqual(good.size);
    expect(sample(workerMetrics, 'assay_metric_duration_seconds_count', { metric: 'sharpness' })).toBeGreaterThanOrEqual(good.size);
    expect(sample(workerMetrics, 'assay_worker_failures_total', { modality: 'image', reason: 'image_too_large', final: 'true' })).toBe(1);
    expect(sample(aggMetrics, 'assay_assets_failed_total', { modality: 'image', reason: 'decode_error' })).toBe(2);
    expect(sample(aggMetrics, 'assay_assets_completed_total', { modality: 'image' })).toBeGreaterThanOrEqual(good.size);
    // promtool's linter, after real traffic
    for (const text of [workerMetrics, aggMetrics, await (await fetch(`${ingest.url}/metrics`)).text()]) {
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    }
    const scored = worker.logs
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'asset scored');
    expect(scored).toMatchObject({ service: 'worker', runId, jobId: expect.any(String), assetId: expect.any(String), level: 'info' });
  });

  it('scores against references, applies the suite thresholds, and fails a missing reference', async () => {
    const run = (await api('POST', '/v1/runs', { name: 'fr', suite: 'image-reference' })).json;
    const source = readFileSync('samples/sharp.jpg');
    await s3.store.put({ bucket: 'assay', key: 'fr/ref.jpg' }, source);
    await s3.store.put({ bucket: 'assay', key: 'fr/same.jpg' }, source);
    await s3.store.put({ bucket: 'assay', key: 'fr/blurred.jpg' }, readFileSync('samples/blurred.jpg'));
    const asset = (id: string, ref: string) => ({
      assetId: id,
      modality: 'image',
      uri: `s3://assay/fr/${id}.jpg`,
      referenceUri: `s3://assay/fr/${ref}`,
    });
    await api('POST', `/v1/runs/${run.id}/assets`, {
      assets: [asset('same', 'ref.jpg'), asset('blurred', 'ref.jpg'), asset('orphan', 'gone.jpg')],
    });
    await s3.store.put({ bucket: 'assay', key: 'fr/orphan.jpg' }, source);
    await api('POST', `/v1/runs/${run.id}/close`);
    await waitForClosed(api, run.id);
    const same = (await api('GET', `/v1/runs/${run.id}/assets/same`)).json.result;
    expect(same.scores).toMatchObject({ 'ssim.ssim': 1, 'ms_ssim.ms_ssim': 1, 'psnr.psnr': 100 });
    expect(same.checks).toEqual({ pass: true, passed: ['psnr.psnr', 'ssim.ssim', 'ms_ssim.ms_ssim'], failures: [], skipped: [] });
    expect(same.referenceUri).toBe('s3://assay/fr/ref.jpg');
    const blurred = (await api('GET', `/v1/runs/${run.id}/assets/blurred`)).json.result;
    expect(blurred.checks.pass).toBe(false);
    expect(blurred.checks.failures.map((f: { score: string }) => f.score)).toContain('ssim.ssim');
    const orphan = (await api('GET', `/v1/runs/${run.id}/assets/orphan`)).json.result;
    expect(orphan.failure).toMatchObject({ code: 'reference_missing' });
    const summary = (await api('GET', `/v1/runs/${run.id}/summary`)).json;
    expect(summary.passRates.assets).toEqual({ passed: 1, failed: 1, rate: 0.5 });
    expect(summary.passRates.scores['ssim.ssim']).toEqual({ passed: 1, failed: 1, skipped: 0, rate: 0.5 });
    expect(summary.failures).toEqual({ reference_missing: 1 });
  });

  it('the CLI evaluates the samples folder against the running stack', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        'cli/dist/main.js',
        'eval',
        'samples',
        '--prompt-file',
        'samples/prompts.jsonl',
        '--run',
        'cli-e2e',
        '--url',
        ingest.url,
        '--api-key',
        TEST_API_KEY,
      ],
      { timeout: 60_000 },
    );
    expect(stdout).toMatch(/Run cli-e2e \(run_[0-9a-z]+\), suite image-default: closed, final/);
    expect(stdout).toMatch(/completed 6 · failed 0/);
    expect(stdout).toMatch(/text\.region_count\s+6/);
    expect(stdout).toMatch(/summary: s3:\/\/assay\/runs\/run_[0-9a-z]+\/summary\.json/);
  });
});
