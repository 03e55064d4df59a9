import type { z } from 'zod';
import type { ComparisonSettings, Pairing, ResultRecord } from '@assay/contracts';
import type { MetricCatalog } from '@assay/metric-catalog';

/** Which stream a record comes from: a single run's, or one side of a comparison. */
export type Side = 'run' | 'baseline' | 'candidate';

/** Where a record sits: its side and its offset in that run's result stream. */
export interface RecordAt {
  side: Side;
  offset: number;
  /**
   * The record's stored embeddings by `<model>@<version>`, read from the bucket when any metric of the
   * computation declares `inputs: ['embeddings']` (absent otherwise, and for embeddings that could not be read)
   */
  embeddings?: ReadonlyMap<string, Float32Array>;
}

/** The key a record's embeddings are found under in `RecordAt.embeddings`: one feature extractor, one version. */
export const embeddingKey = (e: { model: string; version: string }): string => `${e.model}@${e.version}`;

/** What a metric reads besides the result records themselves. */
export type RunMetricInput = 'embeddings';

/** A file a metric leaves beside its result (e.g. the sufficient statistics a later computation starts from). */
export interface RunMetricArtifact {
  /** file name under `runs/<id>/run-metrics/<metric>/` */
  name: string;
  bytes: Uint8Array;
  contentType: string;
}

/** Assets of the two runs matched by prompt id or prompt text (see docs/compare.md). */
export interface PairIndex {
  summary: Pairing;
  /** baseline offset → candidate offset, for the matched pairs (in baseline offset order) */
  pairs: ReadonlyMap<number, number>;
}

/** What `compute` may read besides its state. */
export interface RunMetricContext {
  catalog: MetricCatalog;
  /** levels, seed, resamples and the rest: the same for every metric of one computation */
  settings: ComparisonSettings;
  /** comparisons: how the two runs' assets pair */
  pairing?: PairIndex;
}

/**
 * A run-level metric, in the spirit of torchmetrics' `Metric`: a state that `update` folds each result record
 * into, `merge` combines with the state of a later stretch of the same stream (so a stream can be read in
 * parts, in parallel, and combined in order), and `compute` turns into a result. One file under
 * `src/metrics/` default-exports one definition; the registry finds and checks it at start-up.
 *
 * Scope `run` runs over one closed run (queued when it closes); scope `comparison` over a baseline and a
 * candidate run (a comparison). The state is plain data (arrays, numbers, objects), so it can be passed
 * between threads; results are validated by `result` before they are stored.
 */
export interface RunMetricDefinition<S = unknown, R extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  /** bumped whenever the numbers it produces could change */
  version: string;
  description: string;
  scope: 'run' | 'comparison';
  /** extra inputs read for every record: `embeddings` loads each record's stored embedding vectors */
  inputs?: readonly RunMetricInput[];
  result: z.ZodType<R>;
  /** a fresh state; `settings` say what to keep (e.g. which attribute keys to slice by) */
  init(settings: ComparisonSettings): S;
  update(state: S, record: ResultRecord, at: RecordAt): void;
  /** folds `later` (records after every record of `into`, same stream order) into `into` */
  merge(into: S, later: S): void;
  compute(state: S, ctx: RunMetricContext): R;
  /** scope `run`: files stored beside the run's run-metrics.json, from the final state */
  artifacts?(state: S): RunMetricArtifact[];
}

export function defineRunMetric<S, R extends Record<string, unknown>>(definition: RunMetricDefinition<S, R>): RunMetricDefinition<S, R> {
  return definition;
}
