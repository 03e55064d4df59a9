import { createHash, randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** Time-sortable id: `<kind>_` + 10 chars of millisecond time + 16 random chars (Crockford base32). */
function sortableId(kind: string, now: number): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const rand = Array.from(randomBytes(16), (b) => CROCKFORD[b % 32]).join('');
  return `${kind}_${time}${rand}`;
}

export const newRunId = (now = Date.now()) => sortableId('run', now);
export const newComparisonId = (now = Date.now()) => sortableId('cmp', now);
export const newStudyId = (now = Date.now()) => sortableId('std', now);
export const newExperimentId = (now = Date.now()) => sortableId('exp', now);
export const newEventImportId = (now = Date.now()) => sortableId('imp', now);

export const RUN_ID_PATTERN = /^run_[0-9a-hjkmnp-tv-z]{26}$/;
export const COMPARISON_ID_PATTERN = /^cmp_[0-9a-hjkmnp-tv-z]{26}$/;
export const STUDY_ID_PATTERN = /^std_[0-9a-hjkmnp-tv-z]{26}$/;
export const EXPERIMENT_ID_PATTERN = /^exp_[0-9a-hjkmnp-tv-z]{26}$/;

/**
 * BullMQ job id for an asset: stable for (run, asset) so resubmission dedupes, and free of ':' which
 * BullMQ reserves. The asset id is hashed because clients choose it (any length, any characters).
 */
export function scoreJobId(runId: string, assetId: string): string {
  return `${runId}.${sha256Hex(assetId).slice(0, 32)}`;
}

export function resultJobId(scoreJobIdValue: string): string {
  return `result.${scoreJobIdValue}`;
}

export function closeJobId(runId: string): string {
  return `close.${runId}`;
}

export const runMetricsJobId = (runId: string) => `run-metrics.${runId}`;
export const compareJobId = (comparisonId: string) => `compare.${comparisonId}`;
export const verdictDeliveryJobId = (comparisonId: string) => `verdict.${comparisonId}`;
/** the BullMQ job scheduler of a sweep: one per name, whichever replica upserts it */
export const sweepSchedulerId = (sweep: string) => `sweep.${sweep}`;
/** the state-machine job of one attempt at a sweep's date: a second tick or trigger of that date adds nothing */
/** an S3 import of an experiment's events: one job per import */
export const importEventsJobId = (importId: string) => `import-events.${importId}`;
export const sweepRunJobId = (sweep: string, date: string, attempt: number) => `sweep.${sweep}.${date}.${attempt}`;

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
