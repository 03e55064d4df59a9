/**
 * Imports from S3 as warehouse exports arrive: NDJSON with bad lines among good ones, a Parquet file written by
 * DuckDB (snake_case columns, TIMESTAMP and BIGINT types, several row groups), prefixes, and sources that cannot
 * be read. A re-import counts nothing twice.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { AssayError, newEventImportId, type EventImport, type ExperimentRecord } from '@assay/contracts';
import { ExperimentStore, importFormat, runEventImport } from '@assay/experiments';
import { duckdb } from '../../../test/helpers/duckdb.js';
import { dropPrefix, REDIS_URL, startTestS3, testPrefix, type TestS3 } from '../../../test/helpers/env.js';
import { event, experimentRecord } from './fixtures.js';

const prefix = testPrefix('experiment-import');
const redis = new Redis(REDIS_URL);
const store = new ExperimentStore(redis, prefix);
const tmp = mkdtempSync(join(tmpdir(), 'assay-experiment-import-'));
let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3.close();
  await dropPrefix(prefix);
  redis.disconnect();
  rmSync(tmp, { recursive: true, force: true });
});

async function setup(): Promise<ExperimentRecord> {
  const e = experimentRecord();
  await store.create(e);
  return e;
}

const start = (e: ExperimentRecord, uri: string, format: EventImport['format']): EventImport => ({
  importId: newEventImportId(),
  experimentId: e.id,
  uri,
  format,
  status: 'queued',
  objects: 0,
  read: 0,
  accepted: 0,
  duplicates: 0,
  rejected: 0,
  rejectedByCode: {},
  errors: [],
  createdAt: new Date().toISOString(),
});

async function run(e: ExperimentRecord, uri: string) {
  const saved: EventImport[] = [];
  const done = await runEventImport(
    { experiments: store, objects: s3.store, save: async (r) => void saved.push(structuredClone(r)) },
    e,
    start(e, uri, importFormat(uri)),
  );
  return { done, saved };
}

describe('event imports', () => {
  it('reads NDJSON line by line: bad lines counted by code, covariate lines kept, a second import all duplicates', async () => {
    const e = await setup();
    const lines = [
      ...Array.from({ length: 12_000 }, (_, i) =>
        JSON.stringify(event(`n${i}`, `u${i % 3000}`, i % 2 ? 'treatment' : 'control', i % 7 ? 'impression' : 'click')),
      ),
      '{not json',
      JSON.stringify(event('bad-variant', 'u1', 'holdout', 'impression')),
      JSON.stringify({ ...event('bad-time', 'u1', 'control', 'impression'), timestamp: 'yesterday' }),
      JSON.stringify({ unitId: 'u0', covariates: { pre_clicks: 3 } }),
      '',
    ];
    await s3.store.put({ bucket: 'assay', key: 'exports/day1/events.ndjson' }, lines.join('\n'));
    const { done, saved } = await run(e, 's3://assay/exports/day1/events.ndjson');
    expect(done).toMatchObject({ status: 'completed', objects: 1, read: 12_004, accepted: 12_000, duplicates: 0, rejected: 3 });
    expect(done.rejectedByCode).toEqual({ event_invalid: 2, unknown_variant: 1 });
    expect(done.errors.map((x) => [x.row, x.code])).toEqual([
      [12_001, 'event_invalid'],
      [12_002, 'unknown_variant'],
      [12_003, 'event_invalid'],
    ]);
    expect(done.errors[2].message).toMatch(/timestamp/);
    expect(saved[0].status).toBe('running');
    expect(await store.covariateNames(e.id)).toEqual(['pre_clicks']);
    const again = await run(e, 's3://assay/exports/day1/');
    expect(again.done).toMatchObject({ accepted: 0, duplicates: 12_000, rejected: 3 });
    expect(await store.counts(e)).toMatchObject({ events: 12_000, units: 3000 });
  });

  it('reads a Parquet export written by DuckDB, row group by row group', async () => {
    const e = await setup();
    const file = join(tmp, 'events.parquet');
    const db = await duckdb();
    await db.query(`COPY (
      SELECT 'p' || i AS event_id, 'u' || (i % 5000) AS unit_id, CASE WHEN i % 2 = 0 THEN 'control' ELSE 'treatment' END AS variant,
             'asset-' || (i % 40) AS asset_id, CASE WHEN i % 10 = 0 THEN 'click' ELSE 'impression' END AS type,
             CAST(0 AS BIGINT) AS value, TIMESTAMP '2026-11-02 08:00:00' + INTERVAL (i % 14) DAY AS "timestamp"
      FROM range(30000) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 8192)`);
    db.close();
    await s3.store.put({ bucket: 'assay', key: 'exports/parquet/events.parquet' }, readFileSync(file));
    const { done } = await run(e, 's3://assay/exports/parquet/events.parquet');
    expect(done).toMatchObject({ status: 'completed', read: 30_000, accepted: 30_000, rejected: 0 });
    const counts = await store.counts(e);
    expect(counts).toMatchObject({ events: 30_000, units: 5000, unitsByVariant: { control: 2500, treatment: 2500 } });
    const assets = await store.assets(e.id);
    // asset-0 is row i ≡ 0 (mod 40): even, so control, and ≡ 0 (mod 10), so a click — 750 of them
    expect(assets.get('0|asset-0')).toEqual([0, 750, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses sources it cannot read with import_source_invalid', async () => {
    const e = await setup();
    await s3.store.put({ bucket: 'assay', key: 'exports/not-parquet.parquet' }, 'hello');
    const db = await duckdb();
    const file = join(tmp, 'wrong.parquet');
    await db.query(`COPY (SELECT 1 AS id) TO '${file}' (FORMAT parquet)`);
    db.close();
    await s3.store.put({ bucket: 'assay', key: 'exports/wrong-columns.parquet' }, readFileSync(file));
    for (const [uri, message] of [
      ['s3://assay/exports/missing.ndjson', /no object/],
      ['s3://assay/nothing-here/', /no objects under/],
      ['s3://assay/exports/not-parquet.parquet', /not a Parquet file/],
      ['s3://assay/exports/wrong-columns.parquet', /no column eventId, unitId, variant, type, timestamp/],
    ] as const) {
      const err = await run(e, uri).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(AssayError);
      expect([uri, (err as AssayError).code, (err as AssayError).message]).toEqual([
        uri,
        'import_source_invalid',
        expect.stringMatching(message),
      ]);
    }
    expect(() => importFormat('s3://assay/x.csv')).toThrow(/cannot tell the format/);
  });
});
