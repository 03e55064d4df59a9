import type { ObjectRef } from '@assay/contracts';

export interface ObjectInfo {
  size: number;
  etag?: string;
}

/**
 * The storage the services need, and nothing more; S3 today, anything with these calls tomorrow. A missing
 * object is `source_not_found` (get) or undefined (head); any other failure is the store being unavailable:
 * an AssayError `storage_unavailable`, which callers treat as transient.
 */
export interface ObjectStore {
  put(ref: ObjectRef, body: Uint8Array | string, contentType?: string): Promise<void>;
  /** Reads the whole object; refuses (`file_too_large`) before reading when it exceeds `maxBytes`. */
  get(ref: ObjectRef, options?: { maxBytes?: number }): Promise<Uint8Array>;
  /** The object's bytes as they arrive, for files too large to hold (event exports): `source_not_found` when missing. */
  stream(ref: ObjectRef): Promise<AsyncIterable<Uint8Array>>;
  /** Bytes [start, end) of the object (Parquet footers and row groups). */
  getRange(ref: ObjectRef, start: number, end: number): Promise<Uint8Array>;
  head(ref: ObjectRef): Promise<ObjectInfo | undefined>;
  list(bucket: string, prefix: string): Promise<string[]>;
  /** Throws when the bucket cannot be reached: used by readiness checks. */
  ping(bucket: string): Promise<void>;
  ensureBucket(bucket: string): Promise<void>;
  close(): void;
}
