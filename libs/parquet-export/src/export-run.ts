import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyticsObjects, AssayError, ErrorCode, RunObjects, type RunCounts, type RunRecord } from '@assay/contracts';
import { ResultParts } from '@assay/results';
import type { ObjectStore } from '@assay/storage';
import { ParquetTableWriter, type TableFile } from './parquet-table-writer.js';
import { readRecord, scoreEntries } from './record-reading.js';
import { isColumnScoreKey, metricVersions, PARQUET_SCHEMA_VERSION, resultsColumns } from './results-table.js';
import { surveyRun, type RunSurvey } from './run-survey.js';
import { SCORES_COLUMNS, type ScoreRow } from './scores-table.js';

/**
 * Rows per row group: what the writer buffers, and what readers split work by. On a run like bench:parquet's
 * (100 000 assets × 20 scores), 50 000 wide rows peaked 670 MB above the start and 10 000 rows 150 MB, at the
 * same speed and with a file 0.6 % larger; the long table's rows are narrow, so ten times as many. 10 000
 * assets are still megabytes a row group, enough for Spark's and DuckDB's parallel readers.
 */
export const ROW_GROUP_ROWS = { results: 10_000, scores: 100_000 };

const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

export interface ExportedTable {
  /** the run's own copy, `runs/<id>/…parquet` */
  key: string;
  /** the same bytes in the Hive-partitioned analytics dataset */
  analyticsKey: string;
  rows: number;
  bytes: number;
}

export interface ParquetExport {
  results: ExportedTable;
  scores: ExportedTable;
  /** score columns of the wide table */
  scoreColumns: number;
  /** lines that were not a JSON record: left out of both tables */
  unreadableRecords: number;
  /** score values that were not finite numbers: NULL in both tables */
  nonFiniteScores: number;
}

/** `YYYY-MM-DD` of the close time in UTC: the `date` partition. */
function closeDate(run: Pick<RunRecord, 'id' | 'closedAt'>): string {
  const at = run.closedAt ? new Date(run.closedAt) : undefined;
  if (!at || !Number.isFinite(at.getTime())) throw new AssayError(ErrorCode.RunNotClosed, `run ${run.id} has no close time`);
  return at.toISOString().slice(0, 10);
}

/** Key-value metadata of both files: the schema version and what was left out, for readers that check. */
const fileMetadata = (runId: string, table: string, survey: RunSurvey): Record<string, string> => ({
  'assay.schema_version': String(PARQUET_SCHEMA_VERSION),
  'assay.table': table,
  'assay.run_id': runId,
  'assay.unreadable_records': String(survey.unreadableRecords),
  'assay.non_finite_scores': String(survey.nonFiniteScores),
});

/**
 * Writes a closed run's results as Parquet (docs/analytics.md): `runs/<id>/results.parquet` (one row per
 * asset) and `runs/<id>/scores.parquet` (one row per asset and score), and the same files under
 * `analytics/{results,scores}/date=<close date>/suite=<suite>/<id>.parquet`. Two passes over the NDJSON parts:
 * the first finds the run's score columns, the second writes row groups to temporary files, which are then
 * uploaded and removed. Rewriting is idempotent: the same run gives the same keys.
 */
export async function exportRunParquet(
  store: ObjectStore,
  bucket: string,
  run: Pick<RunRecord, 'id' | 'suite' | 'closedAt'>,
  counts: Pick<RunCounts, 'completed' | 'failed'>,
): Promise<ParquetExport> {
  const date = closeDate(run);
  const parts = new ResultParts(store, bucket);
  const count = counts.completed + counts.failed;
  const survey = await surveyRun(parts.lines(run.id, count));
  const dir = mkdtempSync(join(tmpdir(), 'assay-parquet-'));
  try {
    const columns = resultsColumns(survey);
    const results = new ParquetTableWriter(
      join(dir, 'results.parquet'),
      columns,
      ROW_GROUP_ROWS.results,
      fileMetadata(run.id, 'results', survey),
    );
    const scores = new ParquetTableWriter<ScoreRow>(
      join(dir, 'scores.parquet'),
      SCORES_COLUMNS,
      ROW_GROUP_ROWS.scores,
      fileMetadata(run.id, 'scores', survey),
    );
    for await (const { line } of parts.lines(run.id, count)) {
      const record = readRecord(line);
      if (!record) continue;
      results.add(record);
      const versions = metricVersions(record);
      for (const [key, value] of scoreEntries(record)) scores.add({ record, versions, key, value });
    }
    const upload = async (file: TableFile, key: string, analyticsKey: string): Promise<ExportedTable> => {
      const bytes = readFileSync(file.path);
      await store.put({ bucket, key }, bytes, PARQUET_CONTENT_TYPE);
      await store.put({ bucket, key: analyticsKey }, bytes, PARQUET_CONTENT_TYPE);
      return { key, analyticsKey, rows: file.rows, bytes: file.bytes };
    };
    return {
      results: await upload(results.finish(), RunObjects.resultsParquet(run.id), AnalyticsObjects.results(date, run.suite, run.id)),
      scores: await upload(scores.finish(), RunObjects.scoresParquet(run.id), AnalyticsObjects.scores(date, run.suite, run.id)),
      scoreColumns: survey.scores.filter(isColumnScoreKey).length,
      unreadableRecords: survey.unreadableRecords,
      nonFiniteScores: survey.nonFiniteScores,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
