import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsObjects, AssayError, ErrorCode, RunObjects, type ResultRecord } from '@assay/contracts';
import { exportRunParquet, PARQUET_SCHEMA_VERSION, scoreColumn, type ParquetExport } from '@assay/parquet-export';
import { startTestS3, type TestS3 } from '../../../test/helpers/env.js';
import { download, duckdb, type Rows } from '../../../test/helpers/duckdb.js';
import { syntheticRecords } from '../../../test/helpers/comparison-records.js';
import { failedRecord, resultRecord } from '../../../test/helpers/records.js';

// A run's NDJSON parts in the real S3 API (the embedded store), exported, downloaded and read back with DuckDB.
let s3: TestS3;
let db: Awaited<ReturnType<typeof duckdb>>;
const dir = mkdtempSync(join(tmpdir(), 'assay-parquet-test-'));
const BUCKET = 'assay';
const RUN = { id: 'run_pq', suite: 'image default/v2', closedAt: '2026-03-04T23:59:59.500Z' };
const PART = 128;

/** The run's records: synthetic image results, failures, a censored score and one non-finite score. */
function runRecords(): ResultRecord[] {
  const records = [...syntheticRecords({ runId: RUN.id, modelVersion: 'v7', assets: 300, seed: 5, extraScores: ['clip_score.score'] })];
  records.push(
    failedRecord(RUN.id, 'f1', 'decode_error'),
    failedRecord(RUN.id, 'f2', 'source_not_found'),
    failedRecord(RUN.id, 'f3', 'decode_error'),
    resultRecord(RUN.id, 'censored', {
      scores: { 'loudness.integrated_lufs': -70, 'brisque.score': 12 },
      censored: { 'loudness.integrated_lufs': 'below' },
      metrics: [
        { metric: 'loudness', version: '2.1.0', status: 'ok', durationMs: 3 },
        { metric: 'dnsmos', version: '1.0.0', status: 'not_applicable', durationMs: 1, reason: { code: 'no_speech', message: 'silence' } },
      ],
      media: {
        decoder: 'ffmpeg',
        probe: { container: 'wav', bytes: 4096, durationSeconds: 2.5, streams: ['audio'] },
        limits: { maxBytes: 1, maxDurationSeconds: 1, maxVideoPixels: 1, timeoutMs: 1 },
      },
      attributes: { promptId: 42, generationLatencyMs: 'slow', category: 'speech' },
    }),
    resultRecord(RUN.id, 'infinite', { scores: { 'brisque.score': Infinity, 'aesthetic.score': 4 } }),
  );
  return records;
}

const records = runRecords();
const readable = records.length;
/** the part lines as written: an overflowing 1e999 where JSON.stringify wrote null (JSON.parse reads Infinity), and a torn line */
const lines = records.map((r) => JSON.stringify(r).replace('"brisque.score":null', '"brisque.score":1e999'));
lines.splice(150, 0, '{"runId":"run_pq","assetId":"torn');

let exported: ParquetExport;
const results = () => `read_parquet('${join(dir, RunObjects.resultsParquet(RUN.id))}')`;
const scores = () => `read_parquet('${join(dir, RunObjects.scoresParquet(RUN.id))}')`;

beforeAll(async () => {
  s3 = await startTestS3();
  db = await duckdb();
  for (let start = 0; start < lines.length; start += PART)
    await s3.store.put({ bucket: BUCKET, key: RunObjects.resultsPart(RUN.id, start) }, `${lines.slice(start, start + PART).join('\n')}\n`);
  // a temporary folder of this test's own (os.tmpdir() follows TMPDIR), so other tests' exports running at the
  // same time cannot change what is counted: the export must leave it empty
  const privateTmp = mkdtempSync(join(tmpdir(), 'assay-parquet-test-'));
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = privateTmp;
  try {
    exported = await exportRunParquet(s3.store, BUCKET, RUN, { completed: lines.length - 3, failed: 3 });
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  }
  expect(readdirSync(privateTmp)).toEqual([]);
  rmSync(privateTmp, { recursive: true });
  await download(
    s3.store,
    BUCKET,
    [exported.results.key, exported.scores.key, exported.results.analyticsKey, exported.scores.analyticsKey],
    dir,
  );
});
afterAll(async () => {
  db?.close();
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** per score key: count and mean of its finite values, as the records have them */
function expectedStats(): Map<string, { count: number; mean: number }> {
  const values = new Map<string, number[]>();
  for (const r of records)
    for (const [k, v] of Object.entries(r.scores)) if (Number.isFinite(v)) (values.get(k) ?? values.set(k, []).get(k)!).push(v);
  return new Map([...values].map(([k, vs]) => [k, { count: vs.length, mean: vs.reduce((a, v) => a + v, 0) / vs.length }]));
}

describe('exportRunParquet', () => {
  it('reports what it wrote, where, and what it left out', () => {
    const scoreValues = records.reduce((n, r) => n + Object.keys(r.scores).length, 0);
    expect(exported).toEqual({
      results: {
        key: 'runs/run_pq/results.parquet',
        analyticsKey: 'analytics/results/date=2026-03-04/suite=image%20default%2Fv2/run_pq.parquet',
        rows: readable,
        bytes: expect.any(Number),
      },
      scores: {
        key: 'runs/run_pq/scores.parquet',
        analyticsKey: AnalyticsObjects.scores('2026-03-04', RUN.suite, RUN.id),
        rows: scoreValues,
        bytes: expect.any(Number),
      },
      scoreColumns: 6,
      unreadableRecords: 1,
      nonFiniteScores: 1,
    });
    expect(exported.results.bytes).toBeGreaterThan(10_000);
  });

  it('one row per readable record: DuckDB counts them by status and failure code', async () => {
    expect(await db.query(`SELECT count(*)::INT AS n FROM ${results()}`)).toEqual([{ n: readable }]);
    // the README's try-it reads the embedded store's own file of the object
    const onDisk = join(s3.dir, BUCKET, `${RunObjects.resultsParquet(RUN.id)}._S3rver_object`);
    expect(await db.query(`SELECT count(*)::INT AS n FROM read_parquet('${onDisk}')`)).toEqual([{ n: readable }]);
    expect(await db.query(`SELECT status, failure_code, count(*)::INT AS n FROM ${results()} GROUP BY ALL ORDER BY ALL`)).toEqual([
      { status: 'completed', failure_code: null, n: readable - 3 },
      { status: 'failed', failure_code: 'decode_error', n: 2 },
      { status: 'failed', failure_code: 'source_not_found', n: 1 },
    ]);
  });

  it('every score is a DOUBLE column whose count and mean are the records’, and the long table agrees', async () => {
    const want = expectedStats();
    expect(want.size).toBe(6);
    const describe = await db.query(`DESCRIBE SELECT * FROM ${results()}`);
    const types = Object.fromEntries(describe.map((c) => [c.column_name, c.column_type]));
    for (const [key, { count, mean }] of want) {
      const column = scoreColumn(key);
      expect(types[column]).toBe('DOUBLE');
      const [wide] = await db.query(`SELECT count(${column})::INT AS n, avg(${column}) AS mean FROM ${results()}`);
      expect(wide.n).toBe(count);
      expect(wide.mean as number).toBeCloseTo(mean, 9);
      const [long] = await db.query(`SELECT count(value)::INT AS n, avg(value) AS mean FROM ${scores()} WHERE score = '${key}'`);
      expect(long).toEqual(wide);
    }
    expect(types).toMatchObject({
      schema_version: 'INTEGER',
      attributes: 'JSON',
      pass: 'BOOLEAN',
      pass__nsfw__porn: 'BOOLEAN',
      total_ms: 'DOUBLE',
      attr_generation_latency_ms: 'DOUBLE',
      media_bytes: 'BIGINT',
      finished_at: 'TIMESTAMP WITH TIME ZONE',
    });
    expect(types).not.toHaveProperty('suite'); // the partition key's name is left to the partition
  });

  it('maps record fields to typed columns: attributes, checks, timings, provenance', async () => {
    const row = (id: string) => db.query(`SELECT * EXCLUDE (finished_at) FROM ${results()} WHERE asset_id = '${id}'`).then((r) => r[0]);
    const a7 = records.find((r) => r.assetId === 'a7')!;
    expect(await row('a7')).toMatchObject({
      schema_version: PARQUET_SCHEMA_VERSION,
      run_id: RUN.id,
      job_id: `${RUN.id}.a7`,
      model_version: 'v7',
      modality: 'image',
      suite_name: 'image-default',
      status: 'completed',
      prompt: 'prompt 7',
      prompt_id: 'p7',
      attr_skin_tone: a7.attributes.skinTone,
      attr_generation_latency_ms: a7.attributes.generationLatencyMs,
      attributes: JSON.stringify(a7.attributes),
      sharpness__laplacian_variance: a7.scores['sharpness.laplacian_variance'],
      pass: a7.checks!.pass,
      pass__nsfw__porn: a7.checks!.passed.includes('nsfw.porn'),
      total_ms: a7.timings!.totalMs,
      metric_versions: JSON.stringify({ sharpness: '1.0.0', brisque: '1.0.0', aesthetic: '1.0.0', nsfw: '1.0.0', clip_score: '1.0.0' }),
      metric_outcomes: null,
      worker_version: '0',
      execution_providers: '["cpu"]',
      attempt: 1,
    });
    // a wrong-typed known attribute is NULL in its typed column and kept as it was in the JSON
    expect(await row('censored')).toMatchObject({
      prompt_id: '42',
      attr_generation_latency_ms: null,
      attr_category: 'speech',
      media_format: 'wav',
      media_bytes: '4096',
      duration_seconds: 2.5,
      censored: '{"loudness.integrated_lufs":"below"}',
      metric_versions: '{"loudness":"2.1.0","dnsmos":"1.0.0"}',
      metric_outcomes: '[{"metric":"dnsmos","status":"not_applicable","reason":{"code":"no_speech","message":"silence"}}]',
      pass: null,
    });
    const [flags] = await db.query(
      `SELECT count(*) FILTER (pass)::INT AS passed, count(*) FILTER (safety_flagged)::INT AS flagged,
         count(*) FILTER (NOT pass__nsfw__porn)::INT AS nsfw FROM ${results()}`,
    );
    const checked = records.filter((r) => r.checks);
    const nsfwFailed = checked.filter((r) => r.checks!.failures.some((f) => f.score === 'nsfw.porn')).length;
    expect(flags).toEqual({ passed: checked.filter((r) => r.checks!.pass).length, flagged: nsfwFailed, nsfw: nsfwFailed });
    expect(nsfwFailed).toBeGreaterThan(0);
  });

  it('the long table carries the metric, its version and censoring per value', async () => {
    expect(await db.query(`SELECT * FROM ${scores()} WHERE asset_id = 'censored' ORDER BY score`)).toEqual([
      {
        schema_version: 1,
        run_id: RUN.id,
        asset_id: 'censored',
        model_version: 'v',
        metric: 'brisque',
        score: 'brisque.score',
        value: 12,
        censored: null,
        metric_version: null,
      },
      {
        schema_version: 1,
        run_id: RUN.id,
        asset_id: 'censored',
        model_version: 'v',
        metric: 'loudness',
        score: 'loudness.integrated_lufs',
        value: -70,
        censored: 'below',
        metric_version: '2.1.0',
      },
    ]);
  });

  it('a non-finite score is NULL, a line that is not JSON is left out; the files say how many', async () => {
    expect(await db.query(`SELECT brisque__score, aesthetic__score FROM ${results()} WHERE asset_id = 'infinite'`)).toEqual([
      { brisque__score: null, aesthetic__score: 4 },
    ]);
    expect(await db.query(`SELECT count(*)::INT AS n FROM ${results()} WHERE asset_id LIKE 'torn%'`)).toEqual([{ n: 0 }]);
    const kv: Rows = await db.query(
      `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${join(dir, 'runs/**/*.parquet')}')
       WHERE decode(key) LIKE 'assay.%' ORDER BY file_name, key`,
    );
    const meta = (table: string) => ({
      'assay.non_finite_scores': '1',
      'assay.run_id': RUN.id,
      'assay.schema_version': String(PARQUET_SCHEMA_VERSION),
      'assay.table': table,
      'assay.unreadable_records': '1',
    });
    expect(Object.fromEntries(kv.slice(0, 5).map((e) => [e.key, e.value]))).toEqual(meta('results'));
    expect(Object.fromEntries(kv.slice(5).map((e) => [e.key, e.value]))).toEqual(meta('scores'));
  });

  it('the analytics dataset reads as one table with Hive partitions date and suite', async () => {
    const rows = await db.query(
      `SELECT date::VARCHAR AS date, suite, count(*)::INT AS n, avg(aesthetic__score) AS mean
       FROM read_parquet('${join(dir, 'analytics/results/**/*.parquet')}', hive_partitioning = true) GROUP BY ALL`,
    );
    expect(rows).toEqual([{ date: '2026-03-04', suite: 'image default/v2', n: readable, mean: expect.any(Number) }]);
    expect(rows[0].mean as number).toBeCloseTo(expectedStats().get('aesthetic.score')!.mean, 9);
    const long = await db.query(
      `SELECT date::VARCHAR AS date, suite, count(*)::INT AS n
       FROM read_parquet('${join(dir, 'analytics/scores/**/*.parquet')}', hive_partitioning = true) GROUP BY ALL`,
    );
    expect(long).toEqual([{ date: '2026-03-04', suite: 'image default/v2', n: exported.scores.rows }]);
  });

  it('a second reader, arrow-rs (parquet-wasm), gives the same rows, types, means and metadata', () => {
    const read = (key: string) => tableFromIPC(readParquet(readFileSync(join(dir, key))).intoIPCStream());
    const wide = read(exported.results.key);
    expect(wide.numRows).toBe(readable);
    const types = Object.fromEntries(wide.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({
      schema_version: 'Int32',
      asset_id: 'Utf8',
      sharpness__laplacian_variance: 'Float64',
      pass: 'Bool',
      media_bytes: 'Int64',
      finished_at: 'Timestamp<MILLISECOND, UTC>',
    });
    for (const [key, { count, mean }] of expectedStats()) {
      const column = wide.getChild(scoreColumn(key))!;
      const values = [...column.toArray()].filter((_, i) => column.isValid(i)) as number[];
      expect(values.length).toBe(count);
      expect(values.reduce((a, v) => a + v, 0) / count).toBeCloseTo(mean, 9);
    }
    expect(wide.schema.metadata.get('assay.schema_version')).toBe(String(PARQUET_SCHEMA_VERSION));
    const long = read(exported.scores.key);
    expect(long.numRows).toBe(exported.scores.rows);
    expect(long.schema.metadata.get('assay.table')).toBe('scores');
  });

  it('an empty run gives readable files with the schema and no rows', async () => {
    const empty = await exportRunParquet(s3.store, BUCKET, { ...RUN, id: 'run_empty' }, { completed: 0, failed: 0 });
    expect([empty.results.rows, empty.scores.rows, empty.scoreColumns]).toEqual([0, 0, 0]);
    await download(s3.store, BUCKET, [empty.results.key], dir);
    expect(await db.query(`SELECT count(*)::INT AS n FROM read_parquet('${join(dir, empty.results.key)}')`)).toEqual([{ n: 0 }]);
  });

  it('refuses a run that is not closed, and a run whose parts are gone is an internal error', async () => {
    const open = await exportRunParquet(s3.store, BUCKET, { id: RUN.id, suite: RUN.suite }, { completed: 1, failed: 0 }).catch(
      (e: unknown) => e,
    );
    expect(open).toBeInstanceOf(AssayError);
    expect((open as AssayError).code).toBe(ErrorCode.RunNotClosed);
    const lost = await exportRunParquet(s3.store, BUCKET, { ...RUN, id: 'run_lost' }, { completed: 5, failed: 0 }).catch((e: unknown) => e);
    expect((lost as AssayError).code).toBe(ErrorCode.Internal);
  });
});
