import type { RunCounts } from '@assay/contracts';
import { ResultParts } from '@assay/results';
import { accumulate, mergeAll, needsEmbeddings, type Accumulated, type RunMetricDefinition, type Side } from '@assay/run-metrics';
import type { ObjectStore } from '@assay/storage';
import type { ComparisonSettings } from '@assay/contracts';
import { withEmbeddings } from './embedding-reader.js';

/** A closed run to read: its id and how many records its stream holds (completed + failed). */
export interface RunToRead {
  side: Side;
  runId: string;
  counts: Pick<RunCounts, 'completed' | 'failed'>;
}

/** Stretches each run's stream is read in, concurrently (S3 latency overlaps parsing), merged in order. */
export const READ_STRETCHES = 4;

/**
 * Every record of the runs folded into the metrics' states: each run read as `stretches` consecutive ranges
 * of its stream at once, each into states of its own, merged in stream order (baseline before candidate).
 * When a metric reads embeddings, each record's embedding objects are read with it.
 */
export async function readRuns(
  store: ObjectStore,
  bucket: string,
  metrics: readonly RunMetricDefinition[],
  settings: ComparisonSettings,
  runs: readonly RunToRead[],
  stretches = READ_STRETCHES,
): Promise<Accumulated> {
  const parts = new ResultParts(store, bucket);
  const embeddings = needsEmbeddings(metrics);
  const jobs: Promise<Accumulated>[] = [];
  for (const run of runs) {
    const count = run.counts.completed + run.counts.failed;
    const size = Math.max(1, Math.ceil(count / stretches));
    for (let from = 0; from < Math.max(count, 1); from += size) {
      const to = Math.min(count, from + size);
      const records = parts.records(run.runId, count, { from, to });
      jobs.push(accumulate(metrics, settings, { side: run.side, records: embeddings ? withEmbeddings(store, records) : records }));
    }
  }
  return mergeAll(metrics, await Promise.all(jobs));
}
