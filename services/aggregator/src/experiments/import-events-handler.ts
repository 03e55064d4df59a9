import {
  AssayError,
  ErrorCode,
  ExperimentObjects,
  ImportEventsPayload,
  parseOrThrow,
  type EventImport,
  type JobName,
} from '@assay/contracts';
import { runEventImport, type ExperimentStore } from '@assay/experiments';
import { DependencyOutage, isFinalAttempt, UnrecoverableError, type JobHandler } from '@assay/queue';
import type { ObjectStore } from '@assay/storage';
import type { Counter } from 'prom-client';

export interface ImportEventsDeps {
  experiments: ExperimentStore;
  store: ObjectStore;
  bucket: string;
  /** `assay_experiment_events_total{source="import", outcome}` */
  events: Counter<'source' | 'outcome'>;
  storageReachable: () => Promise<boolean>;
}

/**
 * `import-events`: reads an export from S3 into the experiment's aggregates. A retried attempt reads the file
 * again from the start; event ids keep it from counting anything twice. An unreadable source fails the import
 * for good (`import_source_invalid`); an S3 outage waits for S3.
 */
export function importEventsHandler(deps: ImportEventsDeps): JobHandler<typeof JobName.ImportEvents> {
  const save = async (record: EventImport) => {
    await deps.experiments.saveImport(record);
    if (record.status === 'completed' || record.status === 'failed')
      await deps.store.put(
        { bucket: deps.bucket, key: ExperimentObjects.eventImport(record.experimentId, record.importId) },
        JSON.stringify(record),
        'application/json',
      );
  };
  return async (job, log) => {
    const { experimentId, importId } = parseOrThrow(ImportEventsPayload, job.data, ErrorCode.InvalidPayload);
    const experiment = await deps.experiments.require(experimentId);
    const start = await deps.experiments.getImport(experimentId, importId);
    try {
      const done = await runEventImport({ experiments: deps.experiments, objects: deps.store, save }, experiment, start);
      await save(done);
      deps.events.inc({ source: 'import', outcome: 'accepted' }, done.accepted);
      deps.events.inc({ source: 'import', outcome: 'duplicate' }, done.duplicates);
      deps.events.inc({ source: 'import', outcome: 'rejected' }, done.rejected);
      log.info(
        { experimentId, importId, read: done.read, accepted: done.accepted, duplicates: done.duplicates, rejected: done.rejected },
        'events imported',
      );
      return { read: done.read, accepted: done.accepted };
    } catch (err) {
      let next: unknown = err;
      if (err instanceof AssayError && err.code === ErrorCode.StorageUnavailable && !(await deps.storageReachable()))
        next = new DependencyOutage('s3', err.message);
      else if (err instanceof AssayError && err.code !== ErrorCode.StorageUnavailable)
        next = new UnrecoverableError(`${err.code}: ${err.message}`);
      if (!(next instanceof DependencyOutage) && isFinalAttempt(job, next)) {
        const failure =
          err instanceof AssayError ? { code: err.code, message: err.message } : { code: ErrorCode.Internal, message: String(err) };
        const current = await deps.experiments.getImport(experimentId, importId);
        await save({ ...current, status: 'failed', failure, finishedAt: new Date().toISOString() });
      }
      throw next;
    }
  };
}
