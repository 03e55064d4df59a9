import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import {
  AssayError,
  ErrorCode,
  RunObjects,
  scoreJobId,
  type AssetRecord,
  type ObjectRef,
  type ResultRecord,
  type RunRecord,
} from '@assay/contracts';
import { RunAggregates } from '@assay/aggregation';
import { globalKeys, runKeys, RunStore } from '@assay/runs';
import { EMBEDDED_S3_CREDENTIALS, S3ObjectStore, startEmbeddedS3, type EmbeddedS3, type ObjectStore } from '@assay/storage';
import { createAggregatorMetrics } from '../dist/aggregator-metrics.js';
import { RunBusyError, RunWriter } from '../dist/run-writer.js';
import { dropPrefix, freePort, quietLogger, REDIS_URL, startTestS3, testPrefix, type TestS3 } from '../../../test/helpers/env.js';
import { failedRecord, resultRecord } from '../../../test/helpers/records.js';

/**
 * RunWriter against a real Redis (a private key prefix) and a real S3 API (s3rver). Where a test needs S3
 * to go away at an exact point of a flush, it wraps the real store and stops the real s3rver from a hook.
 */

const BUCKET = 'assay';
const prefix = testPrefix('run-writer');
let s3: TestS3;
let redis: Redis;
let runs: RunStore;
let aggregates: RunAggregates;

beforeAll(async () => {
  s3 = await startTestS3([BUCKET]);
  redis = new Redis(REDIS_URL);
  runs = new RunStore(redis, prefix);
  aggregates = new RunAggregates(redis, prefix);
});
afterAll(async () => {
  await dropPrefix(prefix);
  redis?.disconnect();
  await s3?.close();
});

function writer(partMaxRecords: number, store: ObjectStore = s3.store) {
  const metrics = createAggregatorMetrics(new Registry());
  return { writer: new RunWriter(runs, aggregates, store, BUCKET, partMaxRecords, metrics, quietLogger()), metrics };
}
type Metrics = ReturnType<typeof writer>['metrics'];
const partsWritten = async (m: Metrics) => (await m.parts.get()).values.reduce((s, v) => s + v.value, 0);
const summariesWritten = async (m: Metrics, final: boolean) =>
  (await m.summaries.get()).values.find((v) => v.labels.final === String(final))?.value ?? 0;

const asset = (runId: string, assetId: string): AssetRecord => ({
  assetId,
  jobId: scoreJobId(runId, assetId),
  modality: 'image',
  uri: `s3://assay/in/${assetId}.png`,
  attributes: {},
  submittedAt: new Date().toISOString(),
});

/** A run with `n` accepted assets a0…a(n-1) and, for the first `results` of them, a result applied in order. */
async function runWith(n: number, results = n): Promise<{ run: RunRecord; records: ResultRecord[] }> {
  const run = await runs.create({ name: 'run-writer', modelVersion: 'v1', labels: { team: 't' }, suite: 'image-default' });
  const ids = Array.from({ length: n }, (_, i) => `a${i}`);
  await runs.record(
    run.id,
    ids.map((id) => asset(run.id, id)),
  );
  const records: ResultRecord[] = [];
  for (const id of ids.slice(0, results)) records.push(await applied(resultRecord(run.id, id, { scores: { 'm.x': records.length } })));
  return { run, records };
}
async function applied(record: ResultRecord): Promise<ResultRecord> {
  expect(await aggregates.apply(record)).toBe(true);
  return record;
}

const text = async (key: string, store: ObjectStore = s3.store) => new TextDecoder().decode(await store.get({ bucket: BUCKET, key }));
const json = async (key: string) => JSON.parse(await text(key));
const exists = async (key: string) => (await s3.store.head({ bucket: BUCKET, key })) !== undefined;
const partKeys = (runId: string) => s3.store.list(BUCKET, RunObjects.resultsPrefix(runId)).then((keys) => keys.sort());
/** The records of one part, as parsed NDJSON lines. */
async function part(runId: string, offset: number): Promise<ResultRecord[]> {
  const body = await text(RunObjects.resultsPart(runId, offset));
  expect(body.endsWith('\n')).toBe(true);
  return body
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as ResultRecord);
}
/** Every record of the run's parts, in part order. */
async function allParts(runId: string): Promise<ResultRecord[]> {
  const out: ResultRecord[] = [];
  for (const key of await partKeys(runId)) out.push(...(await part(runId, Number(/part-(\d+)\.ndjson$/.exec(key)![1]))));
  return out;
}
const flushed = async (runId: string) => Number((await redis.hget(runKeys(prefix, runId).agg, 'flushed')) ?? 0);
const bufferedCount = (runId: string) => redis.llen(runKeys(prefix, runId).buffer);
const lockHeld = async (runId: string) => (await redis.exists(runKeys(prefix, runId).lock)) === 1;
const ids = (records: ResultRecord[]) => records.map((r) => r.assetId);

/** A store that is unreachable: a port nothing listens on. */
async function deadStore(): Promise<S3ObjectStore> {
  return new S3ObjectStore({
    endpoint: `http://127.0.0.1:${await freePort()}`,
    region: 'us-east-1',
    credentials: EMBEDDED_S3_CREDENTIALS,
    requestTimeoutMs: 2_000,
  });
}

/** The real store with a hook around each PUT, to take S3 down (or end a flush) at an exact point. */
class HookedStore implements ObjectStore {
  constructor(
    private readonly inner: ObjectStore,
    private readonly hooks: { beforePut?: (key: string) => Promise<void>; afterPut?: (key: string) => Promise<void> },
  ) {}
  async put(ref: ObjectRef, body: Uint8Array | string, contentType?: string) {
    await this.hooks.beforePut?.(ref.key);
    await this.inner.put(ref, body, contentType);
    await this.hooks.afterPut?.(ref.key);
  }
  get(ref: ObjectRef, options?: { maxBytes?: number }) {
    return this.inner.get(ref, options);
  }
  stream(ref: ObjectRef) {
    return this.inner.stream(ref);
  }
  getRange(ref: ObjectRef, start: number, end: number) {
    return this.inner.getRange(ref, start, end);
  }
  head(ref: ObjectRef) {
    return this.inner.head(ref);
  }
  list(bucket: string, p: string) {
    return this.inner.list(bucket, p);
  }
  ping(bucket: string) {
    return this.inner.ping(bucket);
  }
  ensureBucket(bucket: string) {
    return this.inner.ensureBucket(bucket);
  }
  close() {
    this.inner.close();
  }
}

/** An s3rver of the test's own on a fixed port and folder, so it can be stopped and started again. */
async function restartableS3() {
  const dir = mkdtempSync(join(tmpdir(), 'assay-test-run-writer-s3-'));
  const port = await freePort();
  let server: EmbeddedS3 | undefined = await startEmbeddedS3({ directory: dir, buckets: [BUCKET], port });
  const store = new S3ObjectStore({ endpoint: server.endpoint, region: 'us-east-1', credentials: EMBEDDED_S3_CREDENTIALS });
  return {
    store,
    async stop() {
      await server?.close();
      server = undefined;
    },
    async start() {
      server = await startEmbeddedS3({ directory: dir, buckets: [BUCKET], port });
    },
    async close() {
      store.close();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A promise with its resolve function. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

async function expectStorageUnavailable(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AssayError);
  expect((err as AssayError).code).toBe(ErrorCode.StorageUnavailable);
}

describe('RunWriter.refresh: result parts', () => {
  it('writes every buffered record in parts of at most partMaxRecords, keyed by stream offset, and a non-final summary', async () => {
    const { run, records } = await runWith(7);
    const { writer: w, metrics } = writer(3);
    await w.refresh(run.id);

    expect(await partKeys(run.id)).toEqual([0, 3, 6].map((o) => RunObjects.resultsPart(run.id, o)));
    expect(RunObjects.resultsPart(run.id, 3)).toBe(`runs/${run.id}/results/part-0000000003.ndjson`);
    expect(await part(run.id, 0)).toEqual(records.slice(0, 3));
    expect(await part(run.id, 3)).toEqual(records.slice(3, 6));
    // no minimum: the last, short part is written too
    expect(await part(run.id, 6)).toEqual(records.slice(6));
    expect(await flushed(run.id)).toBe(7);
    expect(await bufferedCount(run.id)).toBe(0);
    expect(await aggregates.buffered(run.id, 3)).toEqual({ offset: 7, lines: [] });
    expect(await partsWritten(metrics)).toBe(3);
    expect(await lockHeld(run.id)).toBe(false);

    const summary = await json(RunObjects.summary(run.id));
    expect(summary).toMatchObject({
      runId: run.id,
      status: 'open',
      final: false,
      counts: { submitted: 7, completed: 7, failed: 0, pending: 0, awaitingContent: 0 },
      resultsUri: `s3://assay/runs/${run.id}/results/`,
      summaryUri: `s3://assay/runs/${run.id}/summary.json`,
    });
    expect(summary.scores['m.x']).toMatchObject({ count: 7, min: 0, max: 6, mean: 3 });
    expect(await summariesWritten(metrics, false)).toBe(1);
    expect(await summariesWritten(metrics, true)).toBe(0);
  });

  it('continues the stream where the last flush ended and never rewrites earlier parts', async () => {
    const { run, records } = await runWith(6, 4);
    const { writer: w, metrics } = writer(3);
    await w.refresh(run.id);
    expect(await partKeys(run.id)).toEqual([0, 3].map((o) => RunObjects.resultsPart(run.id, o)));
    const first = await s3.store.head({ bucket: BUCKET, key: RunObjects.resultsPart(run.id, 0) });

    // nothing new: no part, only the summary again
    await w.refresh(run.id);
    expect(await partsWritten(metrics)).toBe(2);
    expect(await summariesWritten(metrics, false)).toBe(2);

    // a redelivered result is not buffered again; new ones start a part at offset 4
    expect(await aggregates.apply(records[0])).toBe(false);
    records.push(await applied(resultRecord(run.id, 'a4')), await applied(failedRecord(run.id, 'a5', 'decode_error')));
    await w.refresh(run.id);
    expect(await partKeys(run.id)).toEqual([0, 3, 4].map((o) => RunObjects.resultsPart(run.id, o)));
    expect(await part(run.id, 3)).toEqual(records.slice(3, 4));
    expect(await part(run.id, 4)).toEqual(records.slice(4));
    expect(await allParts(run.id)).toEqual(records);
    expect((await s3.store.head({ bucket: BUCKET, key: RunObjects.resultsPart(run.id, 0) }))?.etag).toBe(first?.etag);
    expect(await flushed(run.id)).toBe(6);
    expect(await partsWritten(metrics)).toBe(3);
    const summary = await json(RunObjects.summary(run.id));
    expect(summary.counts).toMatchObject({ submitted: 6, completed: 5, failed: 1, pending: 0 });
    expect(summary.failures).toEqual({ decode_error: 1 });
  });

  it('S3 unreachable: fails with storage_unavailable, advances nothing and keeps the buffer for the next refresh', async () => {
    const { run, records } = await runWith(4);
    const dead = await deadStore();
    const { writer: down, metrics } = writer(3, dead);
    await expectStorageUnavailable(down.refresh(run.id));
    dead.close();
    expect(await flushed(run.id)).toBe(0);
    expect(await bufferedCount(run.id)).toBe(4);
    expect(await lockHeld(run.id)).toBe(false);
    expect(await partsWritten(metrics)).toBe(0);
    expect(await summariesWritten(metrics, false)).toBe(0);
    expect(await partKeys(run.id)).toEqual([]);
    expect(await exists(RunObjects.summary(run.id))).toBe(false);

    const { writer: up } = writer(3);
    await up.refresh(run.id);
    expect(await allParts(run.id)).toEqual(records);
    expect(await flushed(run.id)).toBe(4);
  });

  it('S3 going away mid-flush keeps the parts already written; the retry writes the rest, each record exactly once', async () => {
    const { run, records } = await runWith(5);
    const own = await restartableS3();
    try {
      let puts = 0;
      const hooked = new HookedStore(own.store, { beforePut: async () => void (++puts === 2 && (await own.stop())) });
      const { writer: w, metrics } = writer(2, hooked);
      await expectStorageUnavailable(w.refresh(run.id));
      expect(await flushed(run.id)).toBe(2);
      expect(await bufferedCount(run.id)).toBe(3);
      expect(await partsWritten(metrics)).toBe(1);
      expect(await lockHeld(run.id)).toBe(false);

      await own.start();
      await w.refresh(run.id);
      const keys = (await own.store.list(BUCKET, RunObjects.resultsPrefix(run.id))).sort();
      expect(keys).toEqual([0, 2, 4].map((o) => RunObjects.resultsPart(run.id, o)));
      const lines = (await Promise.all(keys.map((key) => text(key, own.store)))).join('').trimEnd().split('\n');
      expect(lines.map((l) => JSON.parse(l))).toEqual(records);
      expect(await flushed(run.id)).toBe(5);
      expect(await partsWritten(metrics)).toBe(3);
    } finally {
      await own.close();
    }
  });

  it('a flush cut off after its PUT (before the offset advanced) rewrites the same part key: no record lost or doubled', async () => {
    const { run, records } = await runWith(4, 2);
    let cut = true;
    const crashing = new HookedStore(s3.store, {
      afterPut: async (key) => {
        if (cut && key.includes('/results/')) throw new Error('process died after the PUT');
      },
    });
    const { writer: w } = writer(3, crashing);
    await expect(w.refresh(run.id)).rejects.toThrow('process died after the PUT');
    expect(await part(run.id, 0)).toEqual(records);
    expect(await flushed(run.id)).toBe(0);
    expect(await bufferedCount(run.id)).toBe(2);
    expect(await lockHeld(run.id)).toBe(false);

    // more results arrive before the retry: the part at offset 0 is rewritten with them, under the same key
    records.push(await applied(resultRecord(run.id, 'a2')), await applied(resultRecord(run.id, 'a3')));
    cut = false;
    await w.refresh(run.id);
    expect(await partKeys(run.id)).toEqual([0, 3].map((o) => RunObjects.resultsPart(run.id, o)));
    expect(ids(await part(run.id, 0))).toEqual(['a0', 'a1', 'a2']);
    expect(ids(await part(run.id, 3))).toEqual(['a3']);
    expect(await allParts(run.id)).toEqual(records);
    expect(await flushed(run.id)).toBe(4);
  });

  it('while another replica holds the run, writes nothing and leaves the run dirty for the next pass', async () => {
    const { run } = await runWith(2);
    await aggregates.popDirty(1_000); // the runs applying results marked dirty: this test only cares about its own
    const lock = runKeys(prefix, run.id).lock;
    await redis.set(lock, 'other-replica', 'PX', 60_000);
    const { writer: w, metrics } = writer(3);
    await w.refresh(run.id);
    expect(await redis.sismember(globalKeys(prefix).dirty, run.id)).toBe(1);
    expect(await redis.get(lock)).toBe('other-replica');
    expect(await partKeys(run.id)).toEqual([]);
    expect(await exists(RunObjects.summary(run.id))).toBe(false);
    expect(await bufferedCount(run.id)).toBe(2);
    expect(await partsWritten(metrics)).toBe(0);

    await redis.del(lock);
    await w.refresh(run.id);
    expect(await flushed(run.id)).toBe(2);
    expect(await exists(RunObjects.summary(run.id))).toBe(true);
  });
});

describe('RunWriter.maybeFinalize', () => {
  it('does nothing for an unknown run, an open run, or a closing run still waiting for results or content', async () => {
    const { writer: w, metrics } = writer(3);
    expect(await w.maybeFinalize('run_does_not_exist')).toBe(false);

    const open = await runWith(2);
    expect(await w.maybeFinalize(open.run.id)).toBe(false);

    const pending = await runWith(3, 2);
    expect(await runs.requestClose(pending.run.id)).toBe('closing');
    expect(await w.maybeFinalize(pending.run.id)).toBe(false);

    const awaiting = await runWith(1);
    await runs.record(awaiting.run.id, [{ ...asset(awaiting.run.id, 'no-bytes'), uri: undefined }]);
    await applied(resultRecord(awaiting.run.id, 'no-bytes')); // a result, yet its content never arrived
    await runs.requestClose(awaiting.run.id);
    expect((await runs.counts(awaiting.run.id)).awaitingContent).toBe(1);
    expect(await w.maybeFinalize(awaiting.run.id)).toBe(false);

    for (const runId of [open.run.id, pending.run.id, awaiting.run.id]) {
      expect(await exists(RunObjects.summary(runId))).toBe(false);
      expect(await exists(RunObjects.run(runId))).toBe(false);
      expect(await flushed(runId)).toBe(0);
    }
    expect((await runs.get(pending.run.id))?.status).toBe('closing');
    expect(await partsWritten(metrics)).toBe(0);
    expect(await summariesWritten(metrics, true)).toBe(0);
  });

  it('closes a finished run: flushes every part, writes the final summary and run.json (closed), then marks it closed', async () => {
    const { run, records } = await runWith(5, 4);
    const { writer: w, metrics } = writer(2);
    await w.refresh(run.id); // a periodic refresh flushed the stream so far (parts 0 and 2)
    records.push(await applied(failedRecord(run.id, 'a4', 'image_too_large')));
    expect(await runs.requestClose(run.id)).toBe('closing');
    expect(await bufferedCount(run.id)).toBe(1);

    expect(await w.maybeFinalize(run.id)).toBe(true);
    expect(await partKeys(run.id)).toEqual([0, 2, 4].map((o) => RunObjects.resultsPart(run.id, o)));
    expect(await allParts(run.id)).toEqual(records);
    expect(await flushed(run.id)).toBe(5);
    expect(await partsWritten(metrics)).toBe(3);

    const stored = await runs.get(run.id);
    expect(stored?.status).toBe('closed');
    const runJson = await json(RunObjects.run(run.id));
    expect(runJson).toEqual({ ...run, status: 'closed', closedAt: stored!.closedAt });
    expect(Date.parse(runJson.closedAt)).toBeGreaterThanOrEqual(Date.parse(run.createdAt));

    const summary = await json(RunObjects.summary(run.id));
    expect(summary).toMatchObject({
      runId: run.id,
      name: 'run-writer',
      modelVersion: 'v1',
      labels: { team: 't' },
      status: 'closed',
      final: true,
      counts: { submitted: 5, completed: 4, failed: 1, pending: 0, awaitingContent: 0 },
      failures: { image_too_large: 1 },
    });
    expect(summary.scores['m.x']).toMatchObject({ count: 4, min: 0, max: 3 });
    expect(await summariesWritten(metrics, true)).toBe(1);

    // closed is closed: asking again writes nothing, and a later refresh does not touch the final summary
    const before = await text(RunObjects.summary(run.id));
    expect(await w.maybeFinalize(run.id)).toBe(true);
    await w.refresh(run.id);
    expect(await text(RunObjects.summary(run.id))).toBe(before);
    expect(await summariesWritten(metrics, true)).toBe(1);
    expect(await summariesWritten(metrics, false)).toBe(1);
  });

  it('flushes results still buffered when the run closes', async () => {
    const { run, records } = await runWith(3);
    await runs.requestClose(run.id);
    const { writer: w, metrics } = writer(10);
    expect(await w.maybeFinalize(run.id)).toBe(true);
    expect(await partKeys(run.id)).toEqual([RunObjects.resultsPart(run.id, 0)]);
    expect(await part(run.id, 0)).toEqual(records);
    expect(await partsWritten(metrics)).toBe(1);
    expect((await json(RunObjects.summary(run.id))).final).toBe(true);
  });

  it('a writer that read the run as closing before another closed it does not rewrite the closed run', async () => {
    const { run } = await runWith(2);
    await runs.requestClose(run.id);
    // writer B reads the run (closing) and its counts, then is held before taking the lock, as a busy event
    // loop or a concurrent job can hold it; writer A closes the run meanwhile
    const countsRead = gate();
    const proceed = gate();
    class HeldRunStore extends RunStore {
      override async counts(runId: string) {
        const counts = await super.counts(runId);
        countsRead.open();
        await proceed.promise;
        return counts;
      }
    }
    const a = writer(3);
    const b = { metrics: createAggregatorMetrics(new Registry()) };
    const writerB = new RunWriter(new HeldRunStore(redis, prefix), aggregates, s3.store, BUCKET, 3, b.metrics, quietLogger());
    const finalizingB = writerB.maybeFinalize(run.id);
    await countsRead.promise;

    expect(await a.writer.maybeFinalize(run.id)).toBe(true);
    const closedAt = (await runs.get(run.id))!.closedAt;
    const summary = await text(RunObjects.summary(run.id));
    const runJson = await text(RunObjects.run(run.id));
    expect(JSON.parse(runJson).closedAt).toBe(closedAt);

    proceed.open();
    expect(await finalizingB).toBe(true);
    // the final summary and run.json are written once: B found the run closed under the lock
    expect(JSON.parse(await text(RunObjects.run(run.id))).closedAt).toBe(closedAt);
    expect(await text(RunObjects.run(run.id))).toBe(runJson);
    expect(await text(RunObjects.summary(run.id))).toBe(summary);
    expect(await summariesWritten(b.metrics, true)).toBe(0);
    expect((await runs.get(run.id))!.closedAt).toBe(closedAt);
  });

  it('while another replica holds the run: RunBusyError, and the run stays closing with nothing written', async () => {
    const { run } = await runWith(1);
    await runs.requestClose(run.id);
    const lock = runKeys(prefix, run.id).lock;
    await redis.set(lock, 'other-replica', 'PX', 60_000);
    const { writer: w } = writer(3);
    await expect(w.maybeFinalize(run.id)).rejects.toBeInstanceOf(RunBusyError);
    expect((await runs.get(run.id))?.status).toBe('closing');
    expect(await exists(RunObjects.summary(run.id))).toBe(false);
    expect(await bufferedCount(run.id)).toBe(1);

    await redis.del(lock);
    expect(await w.maybeFinalize(run.id)).toBe(true);
    expect((await runs.get(run.id))?.status).toBe('closed');
  });

  it('S3 unreachable: storage_unavailable, the run stays closing and nothing of it is in storage; the retry closes it', async () => {
    const { run, records } = await runWith(2);
    await runs.requestClose(run.id);
    const dead = await deadStore();
    const { writer: down } = writer(3, dead);
    await expectStorageUnavailable(down.maybeFinalize(run.id));
    dead.close();
    expect((await runs.get(run.id))?.status).toBe('closing');
    expect(await lockHeld(run.id)).toBe(false);
    expect(await bufferedCount(run.id)).toBe(2);
    for (const key of [RunObjects.summary(run.id), RunObjects.run(run.id)]) expect(await exists(key)).toBe(false);

    const { writer: up } = writer(3);
    expect(await up.maybeFinalize(run.id)).toBe(true);
    expect(await allParts(run.id)).toEqual(records);
    expect((await json(RunObjects.run(run.id))).status).toBe('closed');
  });

  it('S3 going away before run.json is written: the run is not marked closed until run.json is stored', async () => {
    const { run } = await runWith(2);
    await runs.requestClose(run.id);
    const own = await restartableS3();
    try {
      const hooked = new HookedStore(own.store, {
        beforePut: async (key) => {
          if (key === RunObjects.run(run.id)) await own.stop();
        },
      });
      const { writer: w, metrics } = writer(3, hooked);
      await expectStorageUnavailable(w.maybeFinalize(run.id));
      // parts and the final summary are stored, but nobody can see the run closed
      expect((await runs.get(run.id))?.status).toBe('closing');
      expect(await summariesWritten(metrics, true)).toBe(1);
      expect(await lockHeld(run.id)).toBe(false);

      await own.start();
      const { writer: retry } = writer(3, own.store);
      expect(await retry.maybeFinalize(run.id)).toBe(true);
      const closed = await runs.get(run.id);
      expect(closed?.status).toBe('closed');
      const runJson = JSON.parse(await text(RunObjects.run(run.id), own.store));
      expect(runJson).toMatchObject({ id: run.id, status: 'closed', closedAt: closed!.closedAt });
      const summary = JSON.parse(await text(RunObjects.summary(run.id), own.store));
      expect(summary).toMatchObject({ status: 'closed', final: true, counts: { completed: 2 } });
    } finally {
      await own.close();
    }
  });
});
