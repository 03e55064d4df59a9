import {
  AssayError,
  ErrorCode,
  ExperimentEvent,
  UnitCovariates,
  parseS3Uri,
  type EventImport,
  type ExperimentRecord,
  type ObjectRef,
} from '@assay/contracts';
import type { ObjectStore } from '@assay/storage';
import { ndjsonRows, parquetRows, type RawRow } from './event-rows.js';
import type { ExperimentStore } from './experiment-store.js';

/** Events folded per ingest call: the same bound as an API batch. */
const BATCH = 5_000;
/** Rejected rows listed on the import record; the rest are only counted by code. */
const ERRORS_KEPT = 20;
/** How often (in batches) the import record's progress is saved. */
const PROGRESS_EVERY = 20;

export type ImportFormat = EventImport['format'];

/** The format an import's objects are read as: given, or from the extension. */
export function importFormat(uri: string, given?: ImportFormat): ImportFormat {
  if (given) return given;
  if (/\.parquet$/i.test(uri)) return 'parquet';
  if (/\.(ndjson|jsonl|json)$/i.test(uri) || uri.endsWith('/')) return 'ndjson';
  throw new AssayError(
    ErrorCode.ImportSourceInvalid,
    `cannot tell the format of ${uri} from its extension: give format (ndjson or parquet)`,
  );
}

/** The objects an import reads: one object, or every object under a prefix ending in `/`, in key order. */
async function sourceObjects(objects: ObjectStore, uri: string): Promise<{ ref: ObjectRef; size: number }[]> {
  const ref = parseS3Uri(uri.endsWith('/') ? `${uri}x` : uri);
  if (!ref) throw new AssayError(ErrorCode.ImportSourceInvalid, `${uri} is not an s3://bucket/key URI`);
  if (uri.endsWith('/')) {
    const prefix = ref.key.slice(0, -1);
    const keys = (await objects.list(ref.bucket, prefix)).filter((k) => !k.endsWith('/')).sort();
    if (keys.length === 0) throw new AssayError(ErrorCode.ImportSourceInvalid, `no objects under ${uri}`);
    return Promise.all(
      keys.map(async (key) => ({ ref: { bucket: ref.bucket, key }, size: (await objects.head({ bucket: ref.bucket, key }))?.size ?? 0 })),
    );
  }
  const head = await objects.head(ref);
  if (!head) throw new AssayError(ErrorCode.ImportSourceInvalid, `no object at ${uri}`);
  return [{ ref, size: head.size }];
}

export interface ImportDeps {
  experiments: ExperimentStore;
  objects: ObjectStore;
  /** called with the record as it progresses (and when done) */
  save: (record: EventImport) => Promise<void>;
}

/**
 * Reads an export and folds its events in, batch by batch: memory holds a batch, not the file. Rows that are
 * not events (or name an unknown variant) are counted and skipped, never the whole import; NDJSON rows of the
 * form `{ unitId, covariates }` set pre-period covariates. Event ids make a re-run (a retried job, an import of
 * the same file twice) count nothing twice.
 */
export async function runEventImport(deps: ImportDeps, experiment: ExperimentRecord, start: EventImport): Promise<EventImport> {
  const record: EventImport = {
    ...start,
    status: 'running',
    read: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedByCode: {},
    errors: [],
  };
  const sources = await sourceObjects(deps.objects, record.uri);
  record.objects = sources.length;
  await deps.save(record);
  const variants = new Set(experiment.variants.map((v) => v.key));
  let events: ExperimentEvent[] = [];
  let units: UnitCovariates[] = [];
  let batches = 0;
  const reject = (object: string, row: number, code: string, message: string) => {
    record.rejected++;
    record.rejectedByCode[code] = (record.rejectedByCode[code] ?? 0) + 1;
    if (record.errors.length < ERRORS_KEPT) record.errors.push({ object, row, code, message });
  };
  const flush = async () => {
    const result = await deps.experiments.ingest(experiment, events);
    await deps.experiments.setCovariates(experiment, units);
    record.accepted += result.accepted;
    record.duplicates += result.duplicates;
    events = [];
    units = [];
    if (++batches % PROGRESS_EVERY === 0) await deps.save(record);
  };
  for (const { ref, size } of sources) {
    const rows: AsyncGenerator<RawRow> = record.format === 'parquet' ? parquetRows(deps.objects, ref, size) : ndjsonRows(deps.objects, ref);
    let row = 0;
    for await (const raw of rows) {
      row++;
      record.read++;
      if (!raw) {
        reject(ref.key, row, ErrorCode.EventInvalid, 'not a JSON object');
        continue;
      }
      if ('covariates' in raw) {
        const unit = UnitCovariates.safeParse(raw);
        if (unit.success) units.push(unit.data);
        else reject(ref.key, row, ErrorCode.EventInvalid, unit.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      } else {
        const event = ExperimentEvent.safeParse(raw);
        if (!event.success)
          reject(ref.key, row, ErrorCode.EventInvalid, event.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        else if (!variants.has(event.data.variant)) reject(ref.key, row, ErrorCode.UnknownVariant, `no variant ${event.data.variant}`);
        else events.push(event.data);
      }
      if (events.length + units.length >= BATCH) await flush();
    }
  }
  await flush();
  return { ...record, status: 'completed', finishedAt: new Date().toISOString() };
}
