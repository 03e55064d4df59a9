import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobName, QueueName, RunObjects, resultJobId, scoreJobId, type ResultRecord } from '@assay/contracts';
import { startAggregatorService, type AggregatorService } from '@assay/aggregator';
import { createIngestApp, type IngestApp } from '@assay/ingest';
import { createMetricsRegistry } from '@assay/observability';
import { QueueSet } from '@assay/queue';
import { globalKeys, RunStore } from '@assay/runs';
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
import { failedRecord, resultRecord } from '../../../test/helpers/records.js';
import { apiClient, waitForClosed } from '../../../test/helpers/services.js';

const prefix = testPrefix('listing');
const PART_MAX_RECORDS = 5;
let s3: TestS3;
let ingest: IngestApp;
let aggregator: AggregatorService;
let redis: Redis;
let queues: QueueSet;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  s3 = await startTestS3();
  // the aggregator flushes parts only when the test calls tick(): the timer never fires during the test
  const config = testConfig(prefix, s3.s3.endpoint, {
    PORT: String(await freePort()),
    RESULTS_PART_MAX_RECORDS: String(PART_MAX_RECORDS),
    SUMMARY_INTERVAL_MS: '3600000',
  });
  ingest = await createIngestApp(config, quietLogger(), createMetricsRegistry('ingest'));
  aggregator = await startAggregatorService(config, quietLogger(), createMetricsRegistry('aggregator'));
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queues = new QueueSet(redis, prefix);
  api = apiClient(ingest.url);
});
afterAll(async () => {
  await aggregator?.close();
  await ingest?.close();
  await queues?.close();
  redis?.disconnect();
  await s3?.close();
  await dropPrefix(prefix);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const qs = (params: Record<string, string | string[] | undefined>) =>
  new URLSearchParams(
    Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => [k, x]))),
  ).toString();

/** Every run this file created, in creation order. */
const created: { id: string; createdAt: string }[] = [];
async function newRun(body: object = {}) {
  const res = await api('POST', '/v1/runs', { name: 'listing', ...body });
  expect(res.status).toBe(201);
  created.push(res.json);
  // distinct creation milliseconds, so creation-time filters have exact answers
  await sleep(3);
  return res.json as { id: string; createdAt: string; name: string };
}

const newestFirst = (runs: { id: string; createdAt: string }[]) =>
  [...runs].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1)).map((r) => r.id);

/** Follows `nextCursor` from the first page; `between` runs after each page that has a next one. */
async function walkRuns(params: Record<string, string | string[] | undefined>, between?: () => Promise<unknown>) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const res = await api('GET', `/v1/runs?${qs({ ...params, cursor })}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    pages.push(res.json.items.map((r: { id: string }) => r.id));
    if (res.json.nextCursor === null) return pages;
    cursor = res.json.nextCursor;
    await between?.();
  }
  throw new Error('no last page');
}

describe('GET /v1/runs', () => {
  it('pages through every run newest first, with no duplicates or gaps while runs are created between pages', async () => {
    for (let i = 0; i < 23; i++) await newRun({ name: `paging-${i}` });
    const before = newestFirst(created);
    const pages = await walkRuns({ limit: '5' }, () => newRun({ name: 'created-while-paging' }).then(() => newRun()));
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    // runs created while paging are newer than the first page: they belong to a new listing, not this one
    expect(pages.flat()).toEqual(before);

    const first = await api('GET', '/v1/runs?limit=2');
    expect(first.json.items[0]).toMatchObject({ id: newestFirst(created)[0], counts: { submitted: 0 }, summaryUri: expect.any(String) });
  });

  it('orders runs of the same millisecond by id and pages through them', async () => {
    const scope = `scope:${randomBytes(4).toString('hex')}`;
    const runs = [];
    for (let i = 0; i < 7; i++) runs.push(await newRun({ labels: { scope: scope.slice(6) } }));
    // runs created within one millisecond (several ingest replicas, a burst): give all of them one score
    const score = Date.parse(runs[0].createdAt);
    for (const r of runs) await redis.zadd(globalKeys(prefix).runIndex, 'XX', score, r.id);
    const pages = await walkRuns({ label: scope, limit: '2' });
    expect(pages.flat()).toEqual(runs.map((r) => r.id).sort((a, b) => (a < b ? 1 : -1)));
    expect(pages.slice(0, 4).map((p) => p.length)).toEqual([2, 2, 2, 1]);
    // unfiltered pages cross the tie the same way
    const all = (await walkRuns({ limit: '3' })).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((id) => runs.some((r) => r.id === id))).toEqual(pages.flat());
    expect(all.length).toBe(created.length);
  });

  it('filters by name, model version, suite, labels, status and creation time', async () => {
    const tag = randomBytes(4).toString('hex');
    const scope = `scope:${tag}`;
    const labels = (more: Record<string, string> = {}) => ({ scope: tag, ...more });
    const a = await newRun({ name: 'alpha', modelVersion: 'm1', suite: 'image-default', labels: labels({ team: 'gen', tier: 'gold' }) });
    const b = await newRun({ name: 'beta', modelVersion: 'm2', suite: 'image-fast', labels: labels({ team: 'gen' }) });
    const c = await newRun({
      name: 'alpha',
      modelVersion: 'm2',
      suite: 'audio-default',
      labels: labels({ team: 'safety', url: 'http://x:1' }),
    });
    const closed = await newRun({ name: 'closed', labels: labels() });
    const closing = await newRun({ name: 'closing', labels: labels() });
    // an empty run closes at once (the aggregator runs); one with an unfinished asset stays closing
    await api('POST', `/v1/runs/${closed.id}/close`);
    await api('POST', `/v1/runs/${closing.id}/assets`, { assets: [{ assetId: 'x', modality: 'image', uri: 's3://assay/in/x.png' }] });
    await api('POST', `/v1/runs/${closing.id}/close`);
    await waitForClosed(api, closed.id, 20_000);

    const ids = async (params: Record<string, string | string[]>) => (await walkRuns({ label: scope, ...params })).flat();
    expect(await ids({})).toEqual([closing.id, closed.id, c.id, b.id, a.id]);
    expect(await ids({ name: 'alpha' })).toEqual([c.id, a.id]);
    expect(await ids({ modelVersion: 'm2' })).toEqual([c.id, b.id]);
    expect(await ids({ suite: 'image-fast' })).toEqual([b.id]);
    expect(await ids({ label: [scope, 'team:gen', 'tier:gold'] })).toEqual([a.id]);
    expect(await ids({ label: [scope, 'team:gen'] })).toEqual([b.id, a.id]);
    expect(await ids({ label: [scope, 'url:http://x:1'] })).toEqual([c.id]);
    expect(await ids({ label: [scope, 'team:nobody'] })).toEqual([]);
    expect(await ids({ status: 'open' })).toEqual([c.id, b.id, a.id]);
    expect(await ids({ status: 'closing' })).toEqual([closing.id]);
    expect(await ids({ status: 'closed' })).toEqual([closed.id]);
    expect(await ids({ from: b.createdAt })).toEqual([closing.id, closed.id, c.id, b.id]);
    expect(await ids({ from: b.createdAt, to: closed.createdAt })).toEqual([c.id, b.id]);
    expect(await ids({ to: b.createdAt })).toEqual([a.id]);
    // time zones other than Z name the same instant
    const plusTwo = new Date(Date.parse(c.createdAt) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(await ids({ from: plusTwo })).toEqual([closing.id, closed.id, c.id]);
    expect(await ids({ name: 'alpha', modelVersion: 'm1', status: 'open' })).toEqual([a.id]);
    // a filtered page of one follows its cursor to the end
    const pages = await walkRuns({ label: scope, name: 'alpha', limit: '1' });
    expect(pages.flat()).toEqual([c.id, a.id]);
  });

  it('refuses bad cursors, limits and filters with the field named', async () => {
    const bad = async (query: string, path: string) => {
      const res = await api('GET', `/v1/runs?${query}`);
      expect([res.status, res.json.error.code], query).toEqual([400, 'validation_failed']);
      expect(
        res.json.error.details.map((d: { path: string }) => d.path.split('.')[0]),
        query,
      ).toContain(path);
    };
    await bad('cursor=not*a*cursor', 'cursor');
    await bad(`cursor=${Buffer.from('nope').toString('base64url')}`, 'cursor');
    await bad('limit=0', 'limit');
    await bad('limit=201', 'limit');
    await bad('limit=ten', 'limit');
    await bad('limit=5&limit=6', 'limit');
    await bad('label=team', 'label');
    await bad('label=:gen', 'label');
    await bad('status=done', 'status');
    await bad('from=yesterday', 'from');
    await bad('to=2026-01-01', 'to');
    await bad('from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'to');
    await bad('name=', 'name');
    await bad('modelversion=m1', 'modelversion');
    expect((await api('GET', '/v1/runs', undefined, { authorization: '' })).status).toBe(401);
  });
});

describe('GET /v1/runs, a filter that matches little', () => {
  it('answers a short page with a cursor after looking at 1000 runs, and the match on a later page', async () => {
    const needle = await newRun({ name: `needle-${randomBytes(4).toString('hex')}` });
    // 1005 newer runs, written by the run store itself (many share a millisecond)
    const store = new RunStore(redis, prefix);
    for (let i = 0; i < 1005; i += 201) {
      await Promise.all(
        Array.from({ length: 201 }, () => store.create({ name: 'filler', modelVersion: 'm', labels: {}, suite: 'image-default' })),
      );
    }
    const first = await api('GET', `/v1/runs?name=${needle.name}&limit=5`);
    expect(first.json.items).toEqual([]);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await api('GET', `/v1/runs?name=${needle.name}&limit=5&cursor=${first.json.nextCursor}`);
    expect(second.json.items.map((r: { id: string }) => r.id)).toEqual([needle.id]);
    expect(second.json.nextCursor).toBeNull();
  });
});

describe('GET /v1/runs/:runId/results', () => {
  let runId: string;
  const assetIds = Array.from({ length: 30 }, (_, i) => `${i % 3 === 0 ? 'b' : 'a'}/${String(i).padStart(2, '0')}.png`);
  const isFailed = (assetId: string) => Number(assetId.slice(2, 4)) % 4 === 1;
  let published = 0;

  /** Publishes the next `n` results as a worker does (record-result jobs) and waits until the aggregator applied them. */
  async function publish(n: number) {
    const records: ResultRecord[] = assetIds.slice(published, published + n).map((assetId) => {
      const jobId = scoreJobId(runId, assetId);
      return isFailed(assetId) ? failedRecord(runId, assetId, 'decode_error', { jobId }) : resultRecord(runId, assetId, { jobId });
    });
    await queues.addBulk(
      QueueName.Aggregate,
      records.map((data) => ({ name: JobName.RecordResult, data, opts: { jobId: resultJobId(data.jobId) } })),
    );
    published += n;
    for (const deadline = Date.now() + 20_000; ;) {
      const { counts } = (await api('GET', `/v1/runs/${runId}`)).json;
      if (counts.completed + counts.failed === published) return;
      if (Date.now() > deadline) throw new Error(`results not applied: ${JSON.stringify(counts)}`);
      await sleep(50);
    }
  }

  /** The run's result stream as the aggregator wrote it: every part, in offset order. */
  async function stream(): Promise<string[]> {
    const keys = (await s3.store.list('assay', RunObjects.resultsPrefix(runId))).sort();
    const lines: string[] = [];
    for (const key of keys) {
      const text = Buffer.from(await s3.store.get({ bucket: 'assay', key })).toString('utf8');
      lines.push(...text.split('\n').filter(Boolean));
    }
    return lines.map((l) => (JSON.parse(l) as ResultRecord).assetId);
  }

  const page = async (params: Record<string, string | undefined> = {}) => {
    const res = await api('GET', `/v1/runs/${runId}/results?${qs(params)}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json;
  };

  beforeAll(async () => {
    runId = (await newRun({ name: 'results' })).id;
    const assets = assetIds.map((assetId) => ({ assetId, modality: 'image', uri: `s3://assay/in/${assetId}` }));
    expect((await api('POST', `/v1/runs/${runId}/assets`, { assets })).status).toBe(202);
  });

  it('shows an open run only what is flushed to parts, and pages across parts while records arrive', async () => {
    await publish(8);
    // applied and buffered, not yet in a part: not visible
    expect(await page()).toEqual({ runId, runStatus: 'open', items: [], nextCursor: null, flushed: 0, complete: false });
    await aggregator.tick();
    const first = await page({ limit: '4' });
    expect(first).toMatchObject({ flushed: 8, complete: false, nextCursor: '4.0' });
    expect(first.items).toHaveLength(4);
    expect(first.items[0]).toMatchObject({ runId, schemaVersion: 1, status: expect.stringMatching(/completed|failed/) });

    // follow cursors with limit 4 while more results arrive and are flushed between pages; at the end of what
    // is flushed, resume later from `flushed`
    const seen: string[] = [];
    const batches = [7, 9, 6];
    let cursor: string | undefined;
    for (let guard = 0; guard < 50; guard++) {
      const p = await page({ limit: '4', cursor });
      seen.push(...p.items.map((r: ResultRecord) => r.assetId));
      // every other page: records arrive mid-walk, and the walk also meets the end of what is flushed
      if (batches.length && guard % 2 === 1) {
        await publish(batches.shift()!);
        await aggregator.tick();
      }
      if (p.nextCursor !== null) cursor = p.nextCursor;
      else if (p.flushed < assetIds.length || batches.length) cursor = String(p.flushed);
      else break;
    }
    const truth = await stream();
    expect(truth).toHaveLength(30);
    expect(new Set(truth)).toEqual(new Set(assetIds));
    expect(seen).toEqual(truth);
    // 8, 7, 9 and 6 records in parts of at most 5
    expect((await s3.store.list('assay', RunObjects.resultsPrefix(runId))).length).toBe(8);

    // any record offset is a cursor: at a part's start, inside a part (found by listing), or with the part's hint
    const from = (c: string) => page({ cursor: c, limit: '6' }).then((p) => p.items.map((r: ResultRecord) => r.assetId));
    expect(await from('5')).toEqual(truth.slice(5, 11));
    expect(await from('7')).toEqual(truth.slice(7, 13));
    expect(await from('7.5')).toEqual(truth.slice(7, 13));
    expect(await from('29')).toEqual(truth.slice(29));
    expect(await page({ cursor: '30' })).toMatchObject({ items: [], nextCursor: null, flushed: 30 });
    expect(await page({ cursor: '1000' })).toMatchObject({ items: [], nextCursor: null });
  });

  it('filters by status and asset id prefix across parts', async () => {
    const truth = await stream();
    const walk = async (params: Record<string, string>) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 50; guard++) {
        const p = await page({ ...params, cursor });
        ids.push(...p.items.map((r: ResultRecord) => r.assetId));
        for (const r of p.items as ResultRecord[]) {
          if (params.status) expect(r.status).toBe(params.status);
        }
        if (p.nextCursor === null) return ids;
        cursor = p.nextCursor;
      }
      throw new Error('no last page');
    };
    const failed = truth.filter(isFailed);
    expect(failed.length).toBeGreaterThan(3);
    expect(await walk({ status: 'failed', limit: '2' })).toEqual(failed);
    expect(await walk({ status: 'completed', limit: '7' })).toEqual(truth.filter((id) => !isFailed(id)));
    expect(await walk({ assetIdPrefix: 'b/', limit: '3' })).toEqual(truth.filter((id) => id.startsWith('b/')));
    expect(await walk({ assetIdPrefix: 'b/', status: 'completed', limit: '100' })).toEqual(
      truth.filter((id) => id.startsWith('b/') && !isFailed(id)),
    );
    expect(await walk({ assetIdPrefix: 'zzz' })).toEqual([]);
    const failedRecords = (await page({ status: 'failed' })).items as ResultRecord[];
    expect(failedRecords[0]).toMatchObject({ status: 'failed', failure: { code: 'decode_error' } });
  });

  it('says a closed run is complete', async () => {
    await api('POST', `/v1/runs/${runId}/close`);
    await waitForClosed(api, runId, 20_000);
    const p = await page({ limit: '1000' });
    expect(p).toMatchObject({ runStatus: 'closed', complete: true, flushed: 30, nextCursor: null });
    expect(p.items.map((r: ResultRecord) => r.assetId)).toEqual(await stream());
  });

  it('refuses bad cursors, limits and filters, and unknown runs', async () => {
    const bad = async (query: string, path: string) => {
      const res = await api('GET', `/v1/runs/${runId}/results?${query}`);
      expect([res.status, res.json.error.code], query).toEqual([400, 'validation_failed']);
      expect(
        res.json.error.details.map((d: { path: string }) => d.path),
        query,
      ).toContain(path);
    };
    await bad('cursor=-1', 'cursor');
    await bad('cursor=abc', 'cursor');
    await bad('cursor=5.7', 'cursor');
    await bad('limit=0', 'limit');
    await bad('limit=1001', 'limit');
    await bad('status=ok', 'status');
    await bad('assetIdPrefix=', 'assetIdPrefix');
    await bad('state=failed', 'state');
    const missing = await api('GET', '/v1/runs/run_nope/results');
    expect([missing.status, missing.json.error.code]).toEqual([404, 'run_not_found']);
  });
});
