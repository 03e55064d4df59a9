import { createHash, randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** Time-sortable run id: `run_` + 10 chars of millisecond time + 16 random chars (Crockford base32). */
export function newRunId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const rand = Array.from(randomBytes(16), (b) => CROCKFORD[b % 32]).join('');
  return `run_${time}${rand}`;
}

export const RUN_ID_PATTERN = /^run_[0-9a-hjkmnp-tv-z]{26}$/;

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

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
