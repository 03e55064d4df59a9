import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { queuePrefix, RunObjects } from '@assay/contracts';
import { createIngestApp, signHook, type IngestApp } from '@assay/ingest';
import { createMetricsRegistry } from '@assay/observability';
import {
  dropPrefix,
  freePort,
  quietLogger,
  REDIS_URL,
  startTestS3,
  testConfig,
  testPrefix,
  type TestS3,
} from '../../../test/helpers/env.js';
import { apiClient } from '../../../test/helpers/services.js';

/**
 * What an attacker or a careless client does to the intake: races on one asset, the same bytes many times at
 * once, keys that walk out of their bucket, other runs' objects, hooks signed as sent. Real Redis, the real
 * S3 API (s3rver, which writes objects in place: the harsher case for readers of an object being rewritten).
 */
const prefix = testPrefix('hostile');
const HOOK_SECRET = 'hook-secret-0123456789';
let s3: TestS3;
let ingest: IngestApp;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const imageQueue = new Queue('image', { connection: redis, prefix: queuePrefix(prefix, 'image') });

let api: ReturnType<typeof apiClient>;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const newRun = async () => (await api('POST', '/v1/runs', { name: 'hostile' })).json as { id: string };
const declare = (runId: string, ids: string[]) =>
  api('POST', `/v1/runs/${runId}/assets`, { assets: ids.map((assetId) => ({ assetId, modality: 'image' })) });
const upload = (runId: string, assetId: string, bytes: Uint8Array) =>
  api('PUT', `/v1/runs/${runId}/assets/${encodeURIComponent(assetId)}/content`, bytes);

beforeAll(async () => {
  s3 = await startTestS3();
  ingest = await createIngestApp(
    testConfig(prefix, s3.s3.endpoint, { PORT: String(await freePort()) }),
    quietLogger(),
    createMetricsRegistry('ingest'),
  );
  api = apiClient(ingest.url);
});
afterAll(async () => {
  await ingest.close();
  await imageQueue.close();
  redis.disconnect();
  await s3.close();
  await dropPrefix(prefix);
});

describe('concurrent uploads', () => {
  it('of different bytes to one asset: exactly one is accepted, the others get 409, and the job scores the recorded bytes (20 races of 10)', async () => {
    const run = await newRun();
    let doubleAcceptances = 0;
    for (let trial = 0; trial < 20; trial++) {
      const assetId = `race-${trial}`;
      await declare(run.id, [assetId]);
      const bodies = Array.from({ length: 10 }, () => new Uint8Array(randomBytes(32 * 1024)));
      const answers = await Promise.all(bodies.map((b) => upload(run.id, assetId, b)));
      const accepted = answers.filter((a) => a.status === 202);
      if (accepted.length !== 1) doubleAcceptances++;
      for (const a of answers.filter((x) => x.status !== 202)) expect([a.status, a.json.error.code]).toEqual([409, 'asset_conflict']);
      const winner = accepted[0].json.sha256 as string;
      const view = (await api('GET', `/v1/runs/${run.id}/assets/${assetId}`)).json;
      expect(view.contentUri).toBe(`s3://assay/${RunObjects.content(run.id, winner)}`);
      const job = await imageQueue.getJob(view.asset.jobId);
      expect(job?.data).toMatchObject({ sourceSha256: winner, source: { key: RunObjects.content(run.id, winner) } });
      expect(sha(await s3.store.get(job!.data.source))).toBe(winner);
    }
    expect(doubleAcceptances).toBe(0);
  });

  it('of the same bytes to one asset: all answer 202, one of them as the upload and the rest as duplicates', async () => {
    const run = await newRun();
    await declare(run.id, ['same']);
    const bytes = new Uint8Array(randomBytes(64 * 1024));
    const answers = await Promise.all(Array.from({ length: 10 }, () => upload(run.id, 'same', bytes)));
    expect(answers.map((a) => a.status)).toEqual(new Array(10).fill(202));
    expect(answers.filter((a) => !a.json.duplicate)).toHaveLength(1);
    expect((await api('GET', `/v1/runs/${run.id}`)).json.counts).toMatchObject({ submitted: 1, awaitingContent: 0 });
  });

  it('of the same bytes to many assets: the shared object is written once and a reader never sees it torn', async () => {
    const run = await newRun();
    const ids = Array.from({ length: 60 }, (_, i) => `copy-${i}`);
    await declare(run.id, ids);
    const bytes = new Uint8Array(randomBytes(2 * 1024 * 1024));
    const ref = { bucket: 'assay', key: RunObjects.content(run.id, sha(bytes)) };
    // once the first upload is accepted its job may run: a reader (that worker) reads the object over and
    // over while the other uploads of the same bytes arrive
    const first = await upload(run.id, ids[0], bytes);
    let reading = true;
    let reads = 0;
    let torn = 0;
    const reader = (async () => {
      while (reading) {
        // an accepted object must read whole at any time: a failed read counts as torn too
        const got = await s3.store.get(ref).catch(() => undefined);
        reads++;
        if (!got || sha(got) !== sha(bytes)) torn++;
      }
    })();
    const answers = [first, ...(await Promise.all(ids.slice(1).map((id) => upload(run.id, id, bytes))))];
    reading = false;
    await reader;
    expect(answers.map((a) => a.status)).toEqual(new Array(60).fill(202));
    expect(reads).toBeGreaterThan(0);
    expect(torn).toBe(0);
    expect(answers.every((a) => a.json.sha256 === sha(bytes))).toBe(true);
    const text = await (await fetch(`${ingest.url}/metrics`)).text();
    // bytes are counted when written: once
    expect(Number(/^assay_upload_bytes_total\{[^}]*\} (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(bytes.length);
  });
});

describe('URIs that leave their place', () => {
  it('refuses ".", "..", empty segments and backslashes in keys (uri_not_allowed), resolving nothing', async () => {
    const run = await newRun();
    await s3.store.put({ bucket: 'other-bucket', key: 'secret.png' }, 'not for this run');
    const uris = [
      's3://assay/../other-bucket/secret.png',
      's3://assay/x/../y.png',
      's3://assay/./a.png',
      's3://assay//a.png',
      's3://assay/a/',
      's3://assay/a\\..\\b.png',
    ];
    for (const uri of uris) {
      const res = await api('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'a', modality: 'image', uri }] });
      expect([res.status, res.json.error.code, res.json.error.details[0].path], uri).toEqual([400, 'uri_not_allowed', 'assets.0.uri']);
    }
    const ref = await api('POST', `/v1/runs/${run.id}/assets`, {
      assets: [{ assetId: 'a', modality: 'image', uri: 's3://assay/a.png', referenceUri: 's3://assay/../other-bucket/secret.png' }],
    });
    expect([ref.status, ref.json.error.details[0].path]).toEqual([400, 'assets.0.referenceUri']);
    expect((await api('GET', `/v1/runs/${run.id}`)).json.counts.submitted).toBe(0);
  });

  it("refuses another run's objects; a run may refer to its own uploads and to the bucket outside runs/", async () => {
    const a = await newRun();
    const b = await newRun();
    await declare(a.id, ['up']);
    const up = await upload(a.id, 'up', new Uint8Array([1, 2, 3]));
    const theirs = await api('POST', `/v1/runs/${b.id}/assets`, { assets: [{ assetId: 'x', modality: 'image', uri: up.json.uri }] });
    expect([theirs.status, theirs.json.error.code]).toEqual([400, 'uri_not_allowed']);
    expect(theirs.json.error.details[0].message).toMatch(/may only refer to its own objects/);
    const own = await api('POST', `/v1/runs/${a.id}/assets`, {
      assets: [{ assetId: 'y', modality: 'image', uri: 's3://assay/gen/y.png', referenceUri: up.json.uri }],
    });
    expect(own.status).toBe(202);
  });
});

describe('generation hook edges', () => {
  const post = (body: string, headers: Record<string, string>) =>
    api('POST', '/v1/hooks/generation', body, { authorization: '', ...headers });

  it('verifies the timestamp header as sent: leading zeros signed as sent are accepted', async () => {
    const run = await newRun();
    const body = JSON.stringify({ runId: run.id, assets: [{ assetId: 'z', modality: 'image', uri: 's3://assay/gen/z.png' }] });
    const timestamp = `000${Math.floor(Date.now() / 1000)}`;
    const res = await post(body, { 'x-assay-timestamp': timestamp, 'x-assay-signature': signHook(HOOK_SECRET, timestamp, body) });
    expect([res.status, res.json.accepted]).toEqual([202, 1]);
  });

  it('answers a correctly signed body of another type with 415 unsupported_media_type', async () => {
    const run = await newRun();
    const body = JSON.stringify({ runId: run.id, assets: [{ assetId: 't', modality: 'image', uri: 's3://assay/gen/t.png' }] });
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await post(body, {
      'content-type': 'text/plain',
      'x-assay-timestamp': ts,
      'x-assay-signature': signHook(HOOK_SECRET, ts, body),
    });
    expect([res.status, res.json.error.code]).toEqual([415, 'unsupported_media_type']);
  });
});

describe('field bounds', () => {
  it('bounds a prompt in bytes as well as characters: 10 000 CJK characters (30 KB) are refused', async () => {
    const run = await newRun();
    const cjk = await api('POST', `/v1/runs/${run.id}/assets`, {
      assets: [{ assetId: 'p', modality: 'image', prompt: '字'.repeat(10_000) }],
    });
    expect([cjk.status, cjk.json.error.code, cjk.json.error.details[0]]).toEqual([
      400,
      'validation_failed',
      { path: 'assets.0.prompt', message: 'at most 16384 bytes in UTF-8' },
    ]);
    const ascii = await api('POST', `/v1/runs/${run.id}/assets`, {
      assets: [{ assetId: 'p', modality: 'image', prompt: 'a'.repeat(10_000) }],
    });
    expect(ascii.status).toBe(202);
  });
});
