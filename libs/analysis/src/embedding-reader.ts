import { AssayError, ErrorCode, parseS3Uri, type ResultRecord } from '@assay/contracts';
import { embeddingKey } from '@assay/run-metrics';
import type { ObjectStore } from '@assay/storage';

/** Embedding objects read at once per stretch: S3 round trips overlap while earlier records are folded in. */
export const EMBEDDING_READS_IN_FLIGHT = 16;

/**
 * A record's stored embeddings, by `embeddingKey`. An object that is gone (or of the wrong size) is left out,
 * not fatal: the metric sees the record list an embedding it was not given, and counts it.
 */
async function readEmbeddings(store: ObjectStore, record: ResultRecord): Promise<Map<string, Float32Array> | undefined> {
  if (!record.embeddings?.length) return undefined;
  const out = new Map<string, Float32Array>();
  for (const e of record.embeddings) {
    const ref = parseS3Uri(e.uri);
    const bytes = ref
      ? await store.get(ref).catch((err: unknown) => {
          if (err instanceof AssayError && err.code === ErrorCode.SourceNotFound) return undefined;
          throw err;
        })
      : undefined;
    if (bytes?.byteLength === e.dims * 4) out.set(embeddingKey(e), new Float32Array(bytes.slice().buffer));
  }
  return out;
}

/**
 * The records of a stream with their embeddings attached, in stream order, reading up to
 * EMBEDDING_READS_IN_FLIGHT records' embeddings ahead.
 */
export async function* withEmbeddings<T extends { record: ResultRecord }>(
  store: ObjectStore,
  records: AsyncIterable<T>,
): AsyncGenerator<T & { embeddings?: ReadonlyMap<string, Float32Array> }> {
  const window: Promise<T & { embeddings?: ReadonlyMap<string, Float32Array> }>[] = [];
  for await (const item of records) {
    const read = readEmbeddings(store, item.record).then((embeddings) => ({ ...item, embeddings }));
    read.catch(() => undefined); // awaited in order below; a reader that stops early must not leave it unhandled
    window.push(read);
    if (window.length >= EMBEDDING_READS_IN_FLIGHT) yield await window.shift()!;
  }
  while (window.length) yield await window.shift()!;
}
