import type { ParquetWriter } from 'hyparquet-writer';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/** The Parquet types the export writes; each maps to one schema element every engine reads the same way. */
export type ColumnType = 'STRING' | 'JSON' | 'DOUBLE' | 'INT32' | 'INT64' | 'BOOLEAN' | 'TIMESTAMP';

/** A cell as hyparquet-writer takes it: JSON columns take plain values (it serialises them), timestamps a Date, INT64 a bigint. */
export type Cell = string | number | bigint | boolean | Date | object | null;

/** One output column: its name, its type and how a row gives its value (null when the row has none). */
export interface Column<Row> {
  name: string;
  type: ColumnType;
  /** REQUIRED in the schema; every other column is OPTIONAL (NULL where a row has no value) */
  required?: boolean;
  /**
   * Always dictionary-encode: for values that repeat in runs (an asset's scores are adjacent rows), which the
   * writer's evenly spaced sample takes for distinct and writes PLAIN, six times slower and half again larger.
   */
  dictionary?: boolean;
  value: (row: Row) => Cell;
}

export function schemaElement(column: Column<unknown>): SchemaElement {
  const repetition_type = column.required ? 'REQUIRED' : 'OPTIONAL';
  const name = column.name;
  switch (column.type) {
    case 'STRING':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type };
    case 'JSON':
      return { name, type: 'BYTE_ARRAY', converted_type: 'JSON', logical_type: { type: 'JSON' }, repetition_type };
    case 'TIMESTAMP':
      return {
        name,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MILLIS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
        repetition_type,
      };
    default:
      return { name, type: column.type, repetition_type };
  }
}
