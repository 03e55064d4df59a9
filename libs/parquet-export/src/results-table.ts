import type { ResultRecord } from '@assay/contracts';
import type { Column } from './columns.js';
import { attributeText, finite, int32, int64, list, object, text } from './record-reading.js';
import type { RunSurvey } from './run-survey.js';

/** Bumped whenever a column changes meaning or type, or goes away (docs/analytics.md keeps the history). */
export const PARQUET_SCHEMA_VERSION = 1;

/** `sharpness.laplacian_variance` → `sharpness__laplacian_variance`: dots need quoting in Spark and BigQuery. */
export const scoreColumn = (key: string) => key.replaceAll('.', '__');
/** the outcome of the suite's threshold on a score: true passed, false failed, NULL skipped or not checked */
export const checkColumn = (key: string) => `pass__${scoreColumn(key)}`;
/**
 * Score keys as the registry allows them (lower_snake_case metric and score, `.stat` for video): only these
 * become columns, so a damaged record cannot add a column that collides with another; the long table has all.
 */
export const isColumnScoreKey = (key: string) => /^[a-z][a-z0-9_]*(\.[a-z0-9_]+){1,2}$/.test(key);

/** Attribute keys Assay itself reads (pairing, latency gates, slices, OCR), as typed columns beside the JSON. */
const KNOWN_ATTRIBUTES: { key: string; column: string; type: 'STRING' | 'DOUBLE' }[] = [
  { key: 'generationLatencyMs', column: 'attr_generation_latency_ms', type: 'DOUBLE' },
  { key: 'category', column: 'attr_category', type: 'STRING' },
  { key: 'skinTone', column: 'attr_skin_tone', type: 'STRING' },
  { key: 'subjectGender', column: 'attr_subject_gender', type: 'STRING' },
  { key: 'expectedText', column: 'attr_expected_text', type: 'STRING' },
];

const attribute = (r: ResultRecord, key: string): unknown => (object(r.attributes) as Record<string, unknown> | null)?.[key];

const timestamp = (v: unknown): Date | null => {
  const at = typeof v === 'string' ? new Date(v) : undefined;
  return at && Number.isFinite(at.getTime()) ? at : null;
};

const outcomes = (r: ResultRecord) => list(r.metrics).filter((m) => typeof m === 'object' && m !== null);

/** metric → version of the metrics that ran on this asset */
export const metricVersions = (r: ResultRecord) => Object.fromEntries(outcomes(r).map((m) => [m.metric, m.version]));

/** model id → version, sha256 and the execution provider it really ran on */
function models(r: ResultRecord): Record<string, object> | null {
  const used = outcomes(r).flatMap((m) => (m.model ? [m.model] : []));
  return used.length ? Object.fromEntries(used.map(({ id, version, sha256, provider }) => [id, { version, sha256, provider }])) : null;
}

function checkOutcome(r: ResultRecord, key: string): boolean | null {
  if (list(r.checks?.passed).includes(key)) return true;
  if (list(r.checks?.failures).some((f) => f?.score === key)) return false;
  return null;
}

function safetyFlagged(r: ResultRecord): boolean | null {
  if (!r.checks) return null;
  const safety = new Set(list(r.checks.safety));
  return list(r.checks.failures).some((f) => safety.has(f?.score));
}

const nonEmpty = <T>(items: T[]): T[] | null => (items.length ? items : null);

const timing = (name: string, field: keyof NonNullable<ResultRecord['timings']>): Column<ResultRecord> => ({
  name,
  type: 'DOUBLE',
  value: (r) => finite(r.timings?.[field]),
});

/** The wide table: one row per asset, one DOUBLE column per score the run has, one BOOLEAN per check. */
export function resultsColumns(survey: RunSurvey): Column<ResultRecord>[] {
  return [
    { name: 'schema_version', type: 'INT32', required: true, value: () => PARQUET_SCHEMA_VERSION },
    { name: 'run_id', type: 'STRING', value: (r) => text(r.runId) },
    { name: 'run_name', type: 'STRING', value: (r) => text(r.runName) },
    { name: 'run_labels', type: 'JSON', value: (r) => object(r.runLabels) },
    { name: 'asset_id', type: 'STRING', required: true, value: (r) => r.assetId },
    { name: 'job_id', type: 'STRING', value: (r) => text(r.jobId) },
    { name: 'model_version', type: 'STRING', value: (r) => text(r.modelVersion) },
    { name: 'modality', type: 'STRING', value: (r) => text(r.modality) },
    // not `suite`: the analytics dataset's partition key is, and BigQuery refuses a file column of the same name
    { name: 'suite_name', type: 'STRING', value: (r) => text(r.suite) },
    { name: 'status', type: 'STRING', value: (r) => text(r.status) },
    { name: 'failure_code', type: 'STRING', value: (r) => text(r.failure?.code) },
    { name: 'failure_message', type: 'STRING', value: (r) => text(r.failure?.message) },
    { name: 'prompt', type: 'STRING', value: (r) => text(r.prompt) },
    { name: 'prompt_id', type: 'STRING', value: (r) => attributeText(attribute(r, 'promptId')) },
    ...KNOWN_ATTRIBUTES.map(({ key, column, type }): Column<ResultRecord> => ({
      name: column,
      type,
      value: (r) => (type === 'DOUBLE' ? finite(attribute(r, key)) : attributeText(attribute(r, key))),
    })),
    { name: 'attributes', type: 'JSON', value: (r) => object(r.attributes) },
    { name: 'source_uri', type: 'STRING', value: (r) => text(r.sourceUri) },
    { name: 'reference_uri', type: 'STRING', value: (r) => text(r.referenceUri) },
    ...survey.scores
      .filter(isColumnScoreKey)
      .map((key): Column<ResultRecord> => ({ name: scoreColumn(key), type: 'DOUBLE', value: (r) => finite(r.scores?.[key]) })),
    { name: 'censored', type: 'JSON', value: (r) => object(r.censored) },
    { name: 'fingerprints', type: 'JSON', value: (r) => object(r.fingerprints) },
    { name: 'pass', type: 'BOOLEAN', value: (r) => (typeof r.checks?.pass === 'boolean' ? r.checks.pass : null) },
    { name: 'safety_flagged', type: 'BOOLEAN', value: safetyFlagged },
    ...survey.checks
      .filter(isColumnScoreKey)
      .map((key): Column<ResultRecord> => ({ name: checkColumn(key), type: 'BOOLEAN', value: (r) => checkOutcome(r, key) })),
    { name: 'check_failures', type: 'JSON', value: (r) => nonEmpty(list(r.checks?.failures)) },
    timing('queue_ms', 'queueMs'),
    timing('fetch_ms', 'fetchMs'),
    timing('decode_ms', 'decodeMs'),
    timing('metrics_ms', 'metricsMs'),
    timing('inference_ms', 'inferenceMs'),
    timing('total_ms', 'totalMs'),
    { name: 'media_format', type: 'STRING', value: (r) => text(r.decode?.format ?? r.media?.probe?.container) },
    { name: 'media_bytes', type: 'INT64', value: (r) => int64(r.decode?.bytes ?? r.media?.probe?.bytes) },
    { name: 'width', type: 'INT32', value: (r) => int32(r.decode?.width ?? r.media?.probe?.video?.width) },
    { name: 'height', type: 'INT32', value: (r) => int32(r.decode?.height ?? r.media?.probe?.video?.height) },
    { name: 'duration_seconds', type: 'DOUBLE', value: (r) => finite(r.media?.probe?.durationSeconds) },
    { name: 'metric_versions', type: 'JSON', value: metricVersions },
    { name: 'models', type: 'JSON', value: models },
    {
      name: 'metric_outcomes',
      type: 'JSON',
      // only the metrics that gave no value, and why: what SQL filters on; details (e.g. OCR boxes) stay in the NDJSON
      value: (r) => nonEmpty(outcomes(r).flatMap(({ metric, status, reason }) => (status === 'ok' ? [] : [{ metric, status, reason }]))),
    },
    { name: 'worker_version', type: 'STRING', value: (r) => text(r.worker?.version) },
    { name: 'worker_host', type: 'STRING', value: (r) => text(r.worker?.host) },
    {
      name: 'execution_providers',
      type: 'JSON',
      value: (r) => (Array.isArray(r.worker?.executionProviders) ? r.worker.executionProviders : null),
    },
    { name: 'attempt', type: 'INT32', value: (r) => int32(r.attempt) },
    { name: 'finished_at', type: 'TIMESTAMP', value: (r) => timestamp(r.finishedAt) },
  ];
}
