import type { ResultRecord } from '@assay/contracts';

/**
 * A result line as a record, or undefined when it is not a JSON object naming its asset: workers write valid
 * records, so such a line means a damaged part; the export leaves it out and counts it rather than failing.
 */
export function readRecord(line: string): ResultRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return typeof (value as { assetId?: unknown }).assetId === 'string' ? (value as ResultRecord) : undefined;
}

/** A number that can be written as a DOUBLE and summed: NaN and ±Infinity (JSON's 1e999) are not. */
export const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** An integer an INT32 column holds, or null. */
export const int32 = (v: unknown): number | null => (Number.isInteger(v) && Math.abs(v as number) < 2 ** 31 ? (v as number) : null);

/** An integer for an INT64 column (hyparquet-writer takes those as bigint), or null. */
export const int64 = (v: unknown): bigint | null => (Number.isSafeInteger(v) ? BigInt(v as number) : null);

export const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** An attribute as text: numbers and booleans as JSON writes them, so `7` and `"7"` name the same slice. */
export const attributeText = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;

/** A plain JSON object or null (JSON columns take the value; hyparquet-writer serialises it). */
export const object = (v: unknown): object | null => (typeof v === 'object' && v !== null ? v : null);

/**
 * An array field as an array: extractors read records through `list()` and `?.`, so a record of the wrong
 * shape gives NULLs, never a TypeError halfway through a row.
 */
export const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);

/** The record's scores as [key, value] pairs; a map that is not an object has none. */
export const scoreEntries = (record: ResultRecord): [string, unknown][] => Object.entries(object(record.scores) ?? {});
