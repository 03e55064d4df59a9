import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestApp, signHook, type IngestApp } from '@assay/ingest';
import { createMetricsRegistry } from '@assay/observability';
import { dropPrefix, freePort, quietLogger, startTestS3, testConfig, testPrefix, type TestS3 } from '../../../test/helpers/env.js';
import { apiClient } from '../../../test/helpers/services.js';

const prefix = testPrefix('ingest');
const HOOK_SECRET = 'hook-secret-0123456789';
let s3: TestS3;
let ingest: IngestApp;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  s3 = await startTestS3();
  const config = testConfig(prefix, s3.s3.endpoint, {
    PORT: String(await freePort()),
    MAX_JSON_BYTES: '200000',
    MAX_UPLOAD_BYTES: '100000',
  });
  ingest = await createIngestApp(config, quietLogger(), createMetricsRegistry('ingest'));
  api = apiClient(ingest.url);
});
afterAll(async () => {
  await ingest.close();
  await s3.close();
  await dropPrefix(prefix);
});

const newRun = async (extra: object = {}) => (await api('POST', '/v1/runs', { name: 'test', modelVersion: 'm1', ...extra })).json;

describe('authentication', () => {
  it('401 without a key, 403 with a wrong one, probes stay open', async () => {
    const none = await api('GET', '/v1/suites', undefined, { authorization: '' });
    expect([none.status, none.json.error.code]).toEqual([401, 'auth_required']);
    const wrong = await api('GET', '/v1/suites', undefined, { authorization: 'Bearer not-the-key-at-all' });
    expect([wrong.status, wrong.json.error.code]).toEqual([403, 'invalid_api_key']);
    expect((await api('GET', '/healthz', undefined, { authorization: '' })).status).toBe(200);
    expect((await api('GET', '/readyz', undefined, { authorization: '' })).json).toMatchObject({
      ready: true,
      checks: { redis: { ok: true }, s3: { ok: true } },
    });
  });
});

describe('metric catalog', () => {
  it('lists every metric with its scores, directions, ranges and units, by modality, and one by name', async () => {
    const all = await api('GET', '/v1/metrics');
    expect(all.status).toBe(200);
    expect(all.json.frameStats).toEqual({ higher: ['mean', 'min', 'p5'], lower: ['mean', 'max', 'p95'], none: ['mean', 'min', 'p5'] });
    const brisque = all.json.metrics.find((m: { name: string }) => m.name === 'brisque');
    expect(brisque).toMatchObject({ modality: 'image', scores: [{ key: 'score', direction: 'lower', range: [0, 100] }], cost: 'cpu' });
    const audio = await api('GET', '/v1/metrics?modality=audio');
    expect(audio.json.metrics.length).toBeGreaterThan(5);
    expect(new Set(audio.json.metrics.map((m: { modality: string }) => m.modality))).toEqual(new Set(['audio']));
    const loudness = await api('GET', '/v1/metrics/loudness');
    expect(loudness.json.scores.find((s: { key: string }) => s.key === 'integrated_lufs')).toMatchObject({
      unit: 'LUFS',
      direction: 'none',
    });
    expect(loudness.json.params).toBeUndefined(); // takes none
    expect((await api('GET', '/v1/metrics/clip_score')).json.params.properties).toBeTypeOf('object');
  });

  it('answers unknown metrics and parameters with stable codes', async () => {
    const missing = await api('GET', '/v1/metrics/nope');
    expect([missing.status, missing.json.error.code]).toEqual([404, 'metric_not_found']);
    const bad = await api('GET', '/v1/metrics?modality=smell');
    expect([bad.status, bad.json.error.code, bad.json.error.details[0].path]).toEqual([400, 'validation_failed', 'modality']);
    const unknown = await api('GET', '/v1/metrics?kind=x');
    expect([unknown.status, unknown.json.error.details[0].path]).toEqual([400, 'kind']);
  });
});

describe('runs', () => {
  it('creates a run and reports counts', async () => {
    const res = await api('POST', '/v1/runs', { name: 'r1', modelVersion: 'v2', labels: { team: 'gen' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.json).toMatchObject({ name: 'r1', modelVersion: 'v2', suite: 'image-default', status: 'open', counts: { submitted: 0 } });
    expect((await api('GET', `/v1/runs/${res.json.id}`)).json.id).toBe(res.json.id);
  });

  it('refuses an unknown suite, bad fields and bad JSON with stable codes', async () => {
    const suite = await api('POST', '/v1/runs', { name: 'x', suite: 'nope' });
    expect([suite.status, suite.json.error.code]).toEqual([400, 'unknown_suite']);
    const fields = await api('POST', '/v1/runs', { name: '', color: 'red' });
    expect([fields.status, fields.json.error.code]).toEqual([400, 'validation_failed']);
    expect(fields.json.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['name']));
    const json = await api('POST', '/v1/runs', '{"name": ');
    expect([json.status, json.json.error.code]).toEqual([400, 'invalid_json']);
    const missing = await api('GET', '/v1/runs/run_nope');
    expect([missing.status, missing.json.error.code]).toEqual([404, 'run_not_found']);
    const route = await api('GET', '/v1/nothing-here');
    expect([route.status, route.json.error.code]).toEqual([404, 'not_found']);
  });
});

describe('asset submission', () => {
  it('queues assets once: resubmitting an id is a duplicate with the same job id', async () => {
    const run = await newRun();
    const body = {
      assets: [
        { assetId: 'a.png', modality: 'image', uri: 's3://assay/x/a.png', prompt: 'p', attributes: { seed: 1, hd: true } },
        { assetId: 'b.png', modality: 'image' },
      ],
    };
    const first = await api('POST', `/v1/runs/${run.id}/assets`, body);
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(first.json.assets.map((a: { state: string }) => a.state)).toEqual(['queued', 'awaiting_content']);
    const again = await api('POST', `/v1/runs/${run.id}/assets`, { assets: [...body.assets, body.assets[0]] });
    expect(again.json).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(again.json.assets[0].jobId).toBe(first.json.assets[0].jobId);
    expect((await api('GET', `/v1/runs/${run.id}`)).json.counts).toMatchObject({
      submitted: 2,
      awaitingContent: 1,
      pending: 1,
      duplicates: 3,
    });
    const asset = await api('GET', `/v1/runs/${run.id}/assets/a.png`);
    expect(asset.json).toMatchObject({
      state: 'queued',
      asset: { prompt: 'p', attributes: { seed: 1, hd: true } },
      job: { state: 'waiting' },
    });
  });

  it('refuses more than 500 assets, unknown or mismatched modalities and foreign buckets', async () => {
    const run = await newRun();
    const many = Array.from({ length: 501 }, (_, i) => ({ assetId: `a${i}`, modality: 'image' }));
    const tooMany = await api('POST', `/v1/runs/${run.id}/assets`, { assets: many });
    expect([tooMany.status, tooMany.json.error.code]).toEqual([400, 'too_many_assets']);
    const mesh = await api('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'm', modality: '3d' }] });
    expect([mesh.status, mesh.json.error.code, mesh.json.error.details[0].message]).toEqual([
      400,
      'validation_failed',
      'suite image-default scores image, not 3d',
    ]);
    const video = await api('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'v', modality: 'video' }] });
    expect([video.status, video.json.error.code, video.json.error.details[0].message]).toEqual([
      400,
      'validation_failed',
      'suite image-default scores image, not video',
    ]);
    const unknown = await api('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'h', modality: 'hologram' }] });
    expect([unknown.status, unknown.json.error.code, unknown.json.error.details[0].path]).toEqual([
      400,
      'validation_failed',
      'assets.0.modality',
    ]);
    const foreign = await api('POST', `/v1/runs/${run.id}/assets`, {
      assets: [{ assetId: 'f', modality: 'image', uri: 's3://someone-elses/x.png' }],
    });
    expect([foreign.status, foreign.json.error.code]).toEqual([400, 'uri_not_allowed']);
    expect((await api('GET', `/v1/runs/${run.id}`)).json.counts.submitted).toBe(0);
  });

  it('answers 413 for a JSON body over the limit', async () => {
    const run = await newRun();
    const big = { assets: [{ assetId: 'a', modality: 'image', prompt: 'x'.repeat(9000) }], pad: 'y'.repeat(250_000) };
    const res = await api('POST', `/v1/runs/${run.id}/assets`, big);
    expect([res.status, res.json.error.code]).toEqual([413, 'payload_too_large']);
  });
});

describe('content upload', () => {
  it('stores bytes content-addressed, queues once, and refuses bad uploads', async () => {
    const run = await newRun();
    await api('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'dir/one.png', modality: 'image' }] });
    const path = `/v1/runs/${run.id}/assets/${encodeURIComponent('dir/one.png')}/content`;
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const up = await api('PUT', path, bytes);
    expect(up.status).toBe(202);
    expect(up.json).toMatchObject({ duplicate: false, sha256: '9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a' });
    expect(up.json.uri).toBe(`s3://assay/runs/${run.id}/content/${up.json.sha256}`);
    expect([...(await s3.store.get({ bucket: 'assay', key: `runs/${run.id}/content/${up.json.sha256}` }))]).toEqual([1, 2, 3, 4]);
    expect((await api('PUT', path, bytes)).json.duplicate).toBe(true);
    const conflict = await api('PUT', path, new Uint8Array([9]));
    expect([conflict.status, conflict.json.error.code]).toEqual([409, 'asset_conflict']);
    const empty = await api('PUT', path, new Uint8Array());
    expect([empty.status, empty.json.error.code]).toEqual([400, 'empty_content']);
    const undeclared = await api('PUT', `/v1/runs/${run.id}/assets/other.png/content`, bytes);
    expect([undeclared.status, undeclared.json.error.code]).toEqual([404, 'asset_not_found']);
    const asJson = await api('PUT', path, { not: 'bytes' });
    expect([asJson.status, asJson.json.error.code]).toEqual([415, 'unsupported_media_type']);
    const tooBig = await api('PUT', path, new Uint8Array(100_001));
    expect([tooBig.status, tooBig.json.error.code]).toEqual([413, 'payload_too_large']);
    expect((await api('GET', `/v1/runs/${run.id}`)).json.counts).toMatchObject({ submitted: 1, awaitingContent: 0, pending: 1 });
  });

  it('closes a run to further submissions', async () => {
    const run = await newRun();
    await api('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'late.png', modality: 'image' }] });
    const closed = await api('POST', `/v1/runs/${run.id}/close`);
    expect([closed.status, closed.json.status]).toEqual([202, 'closing']);
    const submit = await api('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'x', modality: 'image' }] });
    expect([submit.status, submit.json.error.code]).toEqual([409, 'run_closed']);
    const upload = await api('PUT', `/v1/runs/${run.id}/assets/late.png/content`, new Uint8Array([1]));
    expect([upload.status, upload.json.error.code]).toEqual([409, 'run_closed']);
  });
});

describe('generation hook', () => {
  const post = (body: string, headers: Record<string, string>) =>
    api('POST', '/v1/hooks/generation', body, { authorization: '', ...headers });
  const signed = (body: string, ts = Math.floor(Date.now() / 1000)) => ({
    'x-assay-timestamp': String(ts),
    'x-assay-signature': signHook(HOOK_SECRET, ts, body),
  });

  it('accepts a signed batch once and refuses replays, stale and forged deliveries', async () => {
    const run = await newRun();
    const body = JSON.stringify({ runId: run.id, assets: [{ assetId: 'gen-1', modality: 'image', uri: 's3://assay/gen/1.png' }] });
    const headers = signed(body);
    const ok = await post(body, headers);
    expect([ok.status, ok.json.accepted]).toEqual([202, 1]);
    const replay = await post(body, headers);
    expect([replay.status, replay.json.error.code]).toEqual([409, 'hook_replayed']);
    const stale = await post(body, signed(body, Math.floor(Date.now() / 1000) - 3600));
    expect([stale.status, stale.json.error.code]).toEqual([401, 'hook_timestamp_stale']);
    const forged = await post(body.replace('gen-1', 'gen-2'), signed(body));
    expect([forged.status, forged.json.error.code]).toEqual([401, 'hook_signature_invalid']);
    const unsigned = await post(body, {});
    expect([unsigned.status, unsigned.json.error.code]).toEqual([401, 'hook_signature_missing']);
  });

  it('lets a sender retry a delivery that was not accepted', async () => {
    const body = JSON.stringify({ runId: 'run_does_not_exist', assets: [{ assetId: 'g', modality: 'image' }] });
    const headers = signed(body);
    expect((await post(body, headers)).json.error.code).toBe('run_not_found');
    expect((await post(body, headers)).json.error.code).toBe('run_not_found'); // not hook_replayed
  });
});

describe('operations', () => {
  it('exports metrics with route templates, never raw ids', async () => {
    const text = await (await fetch(`${ingest.url}/metrics`)).text();
    expect(text).toMatch(/assay_http_request_duration_seconds_bucket\{.*route="\/v1\/runs\/:runId\/assets"/);
    expect(text).toMatch(/assay_requests_rejected_total\{code="too_many_assets"/);
    expect(text).toMatch(/assay_queue_backlog_jobs\{queue="image"/);
    expect(text).not.toMatch(/run_[0-9a-z]{26}/);
  });

  it('serves the OpenAPI document and the dead-letter view', async () => {
    const doc = await (await fetch(`${ingest.url}/docs/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/runs/{runId}/assets/{assetId}/content');
    const failed = await api('GET', '/v1/queues/image/failed');
    expect(failed.json).toMatchObject({ queue: 'image', total: 0, jobs: [] });
    expect((await api('GET', '/v1/queues/nope/failed')).json.error.code).toBe('queue_not_found');
  });
});
