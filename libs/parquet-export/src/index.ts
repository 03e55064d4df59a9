export { exportRunParquet, ROW_GROUP_ROWS, type ExportedTable, type ParquetExport } from './export-run.js';
export { PARQUET_SCHEMA_VERSION, checkColumn, scoreColumn } from './results-table.js';
