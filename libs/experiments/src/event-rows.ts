import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from 'hyparquet';
import { AssayError, ErrorCode, toS3Uri, type ObjectRef } from '@assay/contracts';
import type { ObjectStore } from '@assay/storage';

/** A row of an export as read, before validation: `undefined` when the line is not JSON at all. */
export type RawRow = Record<string, unknown> | undefined;

/** Column names a warehouse export may use for each event field (snake_case as well as the API's camelCase). */
const ALIASES: Record<string, string> = { event_id: 'eventId', unit_id: 'unitId', asset_id: 'assetId', event_type: 'type' };

/** Parquet gives INT64 as bigint and TIMESTAMP as Date; the event schema wants numbers and ISO strings. */
function normalize(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined) continue;
    const name = ALIASES[key] ?? key;
    if (typeof value === 'bigint') out[name] = name === 'eventId' || name === 'unitId' ? value.toString() : Number(value);
    else if (value instanceof Date) out[name] = value.toISOString();
    else out[name] = value;
  }
  return out;
}

/** NDJSON, line by line as the bytes arrive: memory holds one line, never the file. Blank lines are skipped. */
export async function* ndjsonRows(objects: ObjectStore, ref: ObjectRef): AsyncGenerator<RawRow> {
  const lines = createInterface({ input: Readable.from(await objects.stream(ref)), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      yield undefined;
      continue;
    }
    yield parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? normalize(parsed as Record<string, unknown>)
      : undefined;
  }
}

/** Parquet, one row group at a time through ranged GETs: memory holds one row group. */
export async function* parquetRows(objects: ObjectStore, ref: ObjectRef, size: number): AsyncGenerator<RawRow> {
  const file: AsyncBuffer = {
    byteLength: size,
    slice: async (start, end) => {
      const bytes = await objects.getRange(ref, start, end ?? size);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
  let metadata;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new AssayError(ErrorCode.ImportSourceInvalid, `${toS3Uri(ref)} is not a Parquet file: ${(err as Error).message}`);
  }
  const columns = new Set(metadata.schema.slice(1).map((c) => ALIASES[c.name] ?? c.name));
  const missing = ['eventId', 'unitId', 'variant', 'type', 'timestamp'].filter((c) => !columns.has(c));
  if (missing.length) throw new AssayError(ErrorCode.ImportSourceInvalid, `${toS3Uri(ref)} has no column ${missing.join(', ')}`);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    for (const row of rows) yield normalize(row);
    rowStart = rowEnd;
  }
}
