import { createHmac, timingSafeEqual } from 'node:crypto';
import { AssayError, ErrorCode } from '@assay/contracts';

/** How long a rater's asset link stays valid: long enough for a task, short enough that a shared link dies. */
export const ASSET_LINK_TTL_MS = 30 * 60_000;

export type AssetSlot = 'left' | 'right' | 'single';

const mac = (secret: Buffer, studyId: string, assignmentId: string, slot: AssetSlot, exp: number) =>
  createHmac('sha256', secret).update(`${studyId}|${assignmentId}|${slot}|${exp}`).digest('base64url');

/** The path of an asset on a rater's screen, signed for that assignment and expiring. */
export function signAssetLink(secret: Buffer, studyId: string, assignmentId: string, slot: AssetSlot, now: Date): string {
  const exp = Math.floor((now.getTime() + ASSET_LINK_TTL_MS) / 1000);
  const sig = mac(secret, studyId, assignmentId, slot, exp);
  return `/rate/${encodeURIComponent(studyId)}/assets/${encodeURIComponent(assignmentId)}/${slot}?exp=${exp}&sig=${sig}`;
}

/** Refuses (`asset_link_invalid`) a link whose signature does not match its parts, or that has expired. */
export function verifyAssetLink(
  secret: Buffer,
  link: { studyId: string; assignmentId: string; slot: string; exp: string; sig: string },
  now: Date,
): AssetSlot {
  const slot = link.slot as AssetSlot;
  const exp = Number(link.exp);
  if (!['left', 'right', 'single'].includes(slot) || !Number.isSafeInteger(exp)) throw linkError('malformed');
  const want = Buffer.from(mac(secret, link.studyId, link.assignmentId, slot, exp));
  const got = Buffer.from(link.sig);
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw linkError('its signature does not match');
  if (exp * 1000 <= now.getTime()) throw linkError('it has expired; reload the task');
  return slot;
}

const linkError = (why: string) => new AssayError(ErrorCode.AssetLinkInvalid, `asset link refused: ${why}`);
