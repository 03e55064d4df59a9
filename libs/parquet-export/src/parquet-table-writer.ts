import { statSync } from 'node:fs';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { schemaElement, type Cell, type Column } from './columns.js';

export interface TableFile {
  path: string;
  rows: number;
  bytes: number;
}

/**
 * A Parquet file written row by row to a local path: values are buffered column-wise and flushed as one row
 * group every `rowGroupRows` rows, so memory holds one row group whatever the table's length.
 */
export class ParquetTableWriter<Row> {
  private readonly writer: ParquetWriter;
  private readonly buffers: Cell[][];
  private buffered = 0;
  private rows = 0;

  constructor(
    private readonly path: string,
    private readonly columns: Column<Row>[],
    private readonly rowGroupRows: number,
    metadata: Record<string, string>,
  ) {
    this.writer = new ParquetWriter({
      writer: fileWriter(path),
      schema: [{ name: 'root', num_children: columns.length }, ...columns.map((c) => schemaElement(c as Column<unknown>))],
      kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    });
    this.buffers = columns.map(() => []);
  }

  add(row: Row): void {
    for (let i = 0; i < this.columns.length; i++) this.buffers[i].push(this.columns[i].value(row));
    if (++this.buffered >= this.rowGroupRows) this.flush();
  }

  /** Writes what is buffered and the footer; the file is complete once this returns. */
  finish(): TableFile {
    this.flush();
    void this.writer.finish(); // the file writer is synchronous
    return { path: this.path, rows: this.rows, bytes: statSync(this.path).size };
  }

  private flush(): void {
    if (!this.buffered) return;
    // no min/max for JSON columns: no engine prunes on them, and hyparquet-writer would store whole documents
    const columnData = this.columns.map((c, i) => ({
      name: c.name,
      data: this.buffers[i],
      statistics: c.type !== 'JSON',
      encoding: c.dictionary ? ('RLE_DICTIONARY' as const) : undefined,
    }));
    void this.writer.write({ columnData, rowGroupSize: this.buffered });
    this.rows += this.buffered;
    this.buffered = 0;
    for (let i = 0; i < this.buffers.length; i++) this.buffers[i] = [];
  }
}
