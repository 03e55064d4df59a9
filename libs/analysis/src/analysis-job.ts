import type { EmbeddingSetSummary, ReferenceSet, RunCounts } from '@assay/contracts';
import type { S3StoreOptions } from '@assay/storage';
import type { ComparisonTask } from './compare-runs.js';

/** Work of the analysis queue, as plain data a thread can be handed. */
export type AnalysisJob =
  | { kind: 'compare'; task: ComparisonTask }
  | {
      kind: 'run-metrics';
      runId: string;
      counts: Pick<RunCounts, 'completed' | 'failed'>;
      /** the run's suite and close time: the partitions of its Parquet export */
      suite: string;
      closedAt: string;
    }
  | { kind: 'distance'; runId: string; runSets: EmbeddingSetSummary[]; reference: ReferenceSet; seed: number }
  | { kind: 'fold-rolling'; runId: string; modelVersion: string; runSets: EmbeddingSetSummary[] };

/** Everything a thread needs to build its own store, registry and catalog. */
export interface ThreadInput {
  s3: S3StoreOptions;
  bucket: string;
  assayVersion: string;
  job: AnalysisJob;
}

/** What a thread answers: the job's value, or its error as data (an AssayError keeps its code). */
export type ThreadOutput =
  { ok: true; value: unknown } | { ok: false; error: { name: string; code?: string; message: string; stack?: string } };
