/**
 * npm run bench:parquet — a closed image run's Parquet export as the aggregator's analysis thread runs it,
 * medians of BENCH_ROUNDS: result parts in the embedded S3 store exactly as the aggregator writes them (NDJSON,
 * 1 000 records a part), 20 scores a record with thresholds, a safety check, latencies and a slice attribute;
 * 10 000 and 100 000 assets.
 *  - read: one pass over the parts, each line parsed (the export makes two: column set, then rows);
 *  - export: both tables written and uploaded twice (the run's copy and the analytics dataset);
 *  - peak RSS: the most the process held while exporting (sampled every 20 ms), and what it held before;
 *  - the sizes of results.parquet and scores.parquet, and DuckDB's time for a per-slice summary query over
 *    each downloaded file (the wide table's 20 means and a p95; the long table's mean per score).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportRunParquet, type ParquetExport } from '@assay/parquet-export';
import { ResultParts } from '@assay/results';
import { EMBEDDED_S3_CREDENTIALS, S3ObjectStore, startEmbeddedS3 } from '@assay/storage';
import { BENCH_EXTRA_SCORES, syntheticRecords, writeResultParts } from '../helpers/comparison-records.js';
import { duckdb } from '../helpers/duckdb.js';
import { cases, median, rounds, table } from './stats.js';

const ROUNDS = rounds(3);
const PART = 1000;

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-parquet-'));
const s3 = await startEmbeddedS3({ directory: join(dir, 's3'), buckets: ['assay'] });
const store = new S3ObjectStore({ endpoint: s3.endpoint, region: 'us-east-1', credentials: EMBEDDED_S3_CREDENTIALS });
const db = await duckdb();

async function writeRun(runId: string, assets: number): Promise<void> {
  await writeResultParts(
    store,
    'assay',
    runId,
    syntheticRecords({ runId, modelVersion: runId, assets, seed: 1, extraScores: BENCH_EXTRA_SCORES }),
    PART,
  );
}

/** Runs `task` while sampling the process's resident set; returns the task's value and the largest sample. */
async function peakRss<T>(task: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    const value = await task();
    return { value, peak: Math.max(peak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await task();
  return (performance.now() - t) / 1000;
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const rows: (string | number)[][] = [];
try {
  for (const n of cases([10_000, 100_000])) {
    const runId = `run_${n}`;
    await writeRun(runId, n);
    const run = { id: runId, suite: 'image-default', closedAt: new Date().toISOString() };
    const counts = { completed: n, failed: 0 };
    const read: number[] = [];
    const exportS: number[] = [];
    const peaks: number[] = [];
    const wideQuery: number[] = [];
    const longQuery: number[] = [];
    const before = process.memoryUsage.rss();
    let exported: ParquetExport | undefined;
    for (let i = 0; i < ROUNDS; i++) {
      read.push(
        await timed(async () => {
          for await (const { line } of new ResultParts(store, 'assay').lines(runId, n)) JSON.parse(line);
        }),
      );
      const t = performance.now();
      const { value, peak } = await peakRss(() => exportRunParquet(store, 'assay', run, counts));
      exportS.push((performance.now() - t) / 1000);
      peaks.push(peak);
      exported = value;
      const results = join(dir, `${runId}.results.parquet`);
      const scores = join(dir, `${runId}.scores.parquet`);
      writeFileSync(results, await store.get({ bucket: 'assay', key: value.results.key }));
      writeFileSync(scores, await store.get({ bucket: 'assay', key: value.scores.key }));
      const means = [
        'sharpness__laplacian_variance',
        'brisque__score',
        'aesthetic__score',
        'nsfw__porn',
        ...BENCH_EXTRA_SCORES.map((k) => k.replace('.', '__')),
      ]
        .map((c) => `avg(${c})`)
        .join(', ');
      wideQuery.push(
        await timed(() =>
          db.query(`SELECT attr_skin_tone, count(*), count(*) FILTER (pass), ${means}, quantile_cont(total_ms, 0.95)
                    FROM read_parquet('${results}') GROUP BY ALL`),
        ),
      );
      longQuery.push(await timed(() => db.query(`SELECT score, count(value), avg(value) FROM read_parquet('${scores}') GROUP BY score`)));
    }
    rows.push([
      `${n} × ${4 + BENCH_EXTRA_SCORES.length}`,
      median(read).toFixed(2),
      median(exportS).toFixed(2),
      mb(before),
      mb(median(peaks)),
      mb(exported!.results.bytes),
      mb(exported!.scores.bytes),
      (median(wideQuery) * 1000).toFixed(0),
      (median(longQuery) * 1000).toFixed(0),
    ]);
  }
  console.log(`bench:parquet — a closed run exported as Parquet (median of ${ROUNDS}; assets × scores)`);
  console.log(
    table(
      [
        'assets × scores',
        'read s',
        'export s',
        'RSS before MB',
        'peak RSS MB',
        'results MB',
        'scores MB',
        'DuckDB wide ms',
        'DuckDB long ms',
      ],
      rows,
    ),
  );
} finally {
  db.close();
  store.close();
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
}
