import type { ResultRecord } from '@assay/contracts';
import type { Column } from './columns.js';
import { finite, object, text } from './record-reading.js';
import { PARQUET_SCHEMA_VERSION } from './results-table.js';

/** One score of one asset, with the versions of the metrics that scored it (one lookup per asset). */
export interface ScoreRow {
  record: ResultRecord;
  versions: Record<string, string>;
  key: string;
  value: unknown;
}

function metricOf(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
}

/** The long table: one row per asset and score, for engines that prefer a fixed schema to a column per score. */
export const SCORES_COLUMNS: Column<ScoreRow>[] = [
  { name: 'schema_version', type: 'INT32', required: true, value: () => PARQUET_SCHEMA_VERSION },
  { name: 'run_id', type: 'STRING', dictionary: true, value: ({ record }) => text(record.runId) },
  { name: 'asset_id', type: 'STRING', dictionary: true, required: true, value: ({ record }) => record.assetId },
  { name: 'model_version', type: 'STRING', dictionary: true, value: ({ record }) => text(record.modelVersion) },
  { name: 'metric', type: 'STRING', dictionary: true, required: true, value: ({ key }) => metricOf(key) },
  { name: 'score', type: 'STRING', dictionary: true, required: true, value: ({ key }) => key },
  { name: 'value', type: 'DOUBLE', value: ({ value }) => finite(value) },
  {
    name: 'censored',
    type: 'STRING',
    dictionary: true,
    value: ({ record, key }) => text((object(record.censored) as Record<string, unknown> | null)?.[key]),
  },
  { name: 'metric_version', type: 'STRING', dictionary: true, value: ({ versions, key }) => text(versions[metricOf(key)]) },
];
