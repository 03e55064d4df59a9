/** Where everything about a run lives in the bucket. Parquet/Spark readers rely on these prefixes. */
export const RunObjects = {
  /**
   * Everything under this prefix of the service bucket is Assay's: a submitted URI may point into its own
   * run's objects (e.g. another asset's upload as a reference), never into another run's.
   */
  root: 'runs/',
  prefix: (runId: string) => `runs/${runId}/`,
  run: (runId: string) => `runs/${runId}/run.json`,
  /** Uploaded bytes, content-addressed so identical uploads share one object. */
  content: (runId: string, sha256: string) => `runs/${runId}/content/${sha256}`,
  /** The latest result record of one asset, for point lookups. */
  assetResult: (runId: string, assetId: string) => `runs/${runId}/assets/${encodeURIComponent(assetId)}.json`,
  resultsPrefix: (runId: string) => `runs/${runId}/results/`,
  /** an image embedding (float32 little-endian) of one asset by one model, for run-level distribution metrics */
  embedding: (runId: string, modelId: string, assetId: string) => `runs/${runId}/embeddings/${modelId}/${encodeURIComponent(assetId)}.f32`,
  /** a rendered view of a 3D asset (PNG; `name` is `view-<i>.png` or `contact-sheet.png`), stored with its result */
  assetView: (runId: string, assetId: string, name: string) => `runs/${runId}/views/${encodeURIComponent(assetId)}/${name}`,
  /** A part holds the records at offsets [offset, offset + n) of the run's result stream. */
  resultsPart: (runId: string, offset: number) => `runs/${runId}/results/part-${String(offset).padStart(10, '0')}.ndjson`,
  summary: (runId: string) => `runs/${runId}/summary.json`,
  /** results of the run-level metrics, computed once the run closed */
  runMetrics: (runId: string) => `runs/${runId}/run-metrics.json`,
  /** files a run-level metric leaves beside its result (e.g. the distribution metric's moments and sample) */
  runMetricArtifact: (runId: string, metric: string, name: string) => `runs/${runId}/run-metrics/${metric}/${name}`,
  /** a run measured against a reference set, computed on first request and kept (both sides are immutable) */
  distance: (runId: string, referenceSet: string, seed: number) => `runs/${runId}/distribution/${referenceSet}.seed-${seed}.json`,
  /** one row per asset (docs/analytics.md), written once the run closed */
  resultsParquet: (runId: string) => `runs/${runId}/results.parquet`,
  /** one row per asset and score: the long form of the same results */
  scoresParquet: (runId: string) => `runs/${runId}/scores.parquet`,
};

/** Reference sets: a closed run's embedding statistics kept under a name, to measure other runs against. */
export const ReferenceSetObjects = {
  root: 'reference-sets/',
  record: (name: string) => `reference-sets/${name}/reference-set.json`,
  file: (name: string, modelKey: string, file: string) => `reference-sets/${name}/${encodeURIComponent(modelKey)}/${file}`,
};

/**
 * The analytics dataset: every closed run's Parquet files again, Hive-partitioned by the run's close date
 * (UTC, YYYY-MM-DD) and suite, so Spark, BigQuery, Athena and DuckDB read `analytics/results/` as one table
 * with `date` and `suite` columns. A suite name is URI-encoded: readers decode `%XX` in partition values, as
 * they do Hive's own escaping, and a `/` in a name must not make another level.
 */
const partition = (date: string, suite: string) => `date=${date}/suite=${encodeURIComponent(suite)}`;

export const AnalyticsObjects = {
  root: 'analytics/',
  results: (date: string, suite: string, runId: string) => `analytics/results/${partition(date, suite)}/${runId}.parquet`,
  scores: (date: string, suite: string, runId: string) => `analytics/scores/${partition(date, suite)}/${runId}.parquet`,
};

/** Where comparisons of two runs live in the service bucket (Assay's alone, like `runs/`). */
export const ComparisonObjects = {
  root: 'comparisons/',
  result: (id: string) => `comparisons/${id}/comparison.json`,
  report: (id: string) => `comparisons/${id}/report.html`,
};

/**
 * Rolling embedding statistics per model version: every closed run of that version folded in (moments only),
 * so its distance to any reference set is known without re-reading embeddings.
 */
export const ModelVersionObjects = {
  root: 'model-versions/',
  file: (modelVersion: string, modelKey: string, file: string) =>
    `model-versions/${encodeURIComponent(modelVersion)}/${encodeURIComponent(modelKey)}/${file}`,
};

/** What a nightly sweep publishes, by sweep name and date (the date its manifest was read for). */
export const SweepObjects = {
  root: 'sweeps/',
  prefix: (sweep: string, date: string) => `sweeps/${sweep}/${date}/`,
  /** the sweep run's outcome: its verdict (or why it failed), the run, the baseline and the comparison */
  verdict: (sweep: string, date: string) => `sweeps/${sweep}/${date}/verdict.json`,
  /** a copy of the comparison's HTML report */
  report: (sweep: string, date: string) => `sweeps/${sweep}/${date}/report.html`,
};

/** Human evaluation studies (Assay's alone, like `runs/`). */
export const StudyObjects = {
  root: 'studies/',
  study: (id: string) => `studies/${id}/study.json`,
  /** the items raters judge, gold items included (with their expected answers) */
  items: (id: string) => `studies/${id}/items.json`,
  /** every kept answer, one JSON object per line; rewritten whole on close and on each analysis */
  answers: (id: string) => `studies/${id}/answers.jsonl`,
  analysis: (id: string) => `studies/${id}/analysis.json`,
  /** the exports: `rlhf-pairs.jsonl`, `label-studio.json`, `golden-set.json` */
  export: (id: string, file: string) => `studies/${id}/exports/${file}`,
};

/** Online experiments (Assay's alone): the definition, raw event batches, imports and analyses. */
export const ExperimentObjects = {
  root: 'experiments/',
  experiment: (id: string) => `experiments/${id}/experiment.json`,
  /** raw events of one API batch, one JSON object per line, named by the batch's content hash (a retry rewrites the same object) */
  eventBatch: (id: string, digest: string) => `experiments/${id}/events/${digest}.ndjson`,
  eventsPrefix: (id: string) => `experiments/${id}/events/`,
  /** pre-period covariates of one API batch */
  unitBatch: (id: string, digest: string) => `experiments/${id}/units/${digest}.ndjson`,
  unitsPrefix: (id: string) => `experiments/${id}/units/`,
  eventImport: (id: string, importId: string) => `experiments/${id}/imports/${importId}.json`,
  analysis: (id: string) => `experiments/${id}/analysis.json`,
  causal: (id: string) => `experiments/${id}/causal.json`,
};
