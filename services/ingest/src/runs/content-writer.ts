import { setTimeout as sleep } from 'node:timers/promises';
import { AssayError, ErrorCode, type ObjectRef } from '@assay/contracts';
import type { RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';

/** longer than one PUT may take (the S3 client gives up after 3 attempts of 30 s) */
const WRITE_LOCK_MS = 120_000;
const POLL_MS = 50;

/**
 * Writes uploaded bytes to their content-addressed key once. Every upload of the same bytes in a run maps
 * to one key, and a store without atomic PUT (s3rver writes the file in place) lets a reader see a
 * half-written object while a second upload rewrites it under a worker. So an object that is there is never
 * rewritten, and one writer at a time per (run, sha256) holds a Redis lock while it writes; the others wait
 * for it (up to `waitMs`, then `storage_unavailable`, and the client retries). Returns whether this call wrote.
 */
export async function storeContentOnce(
  store: ObjectStore,
  runs: RunStore,
  content: { runId: string; sha256: string; ref: ObjectRef; body: Uint8Array },
  waitMs = 30_000,
): Promise<boolean> {
  const { runId, sha256, ref, body } = content;
  const stored = async () => (await store.head(ref))?.size === body.byteLength;
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await stored()) return false;
    const write = await runs.withContentWrite(runId, sha256, WRITE_LOCK_MS, async () => {
      // the previous holder may have finished between the check and the lock
      if (await stored()) return false;
      await store.put(ref, body);
      return true;
    });
    if (write.locked) return write.value;
    if (Date.now() > deadline)
      throw new AssayError(ErrorCode.StorageUnavailable, 'another upload of the same bytes is still being stored; retry later');
    await sleep(POLL_MS);
  }
}
