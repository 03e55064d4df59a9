import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-assay-signature';
export const TIMESTAMP_HEADER = 'x-assay-timestamp';

/**
 * `v1=` + hex HMAC-SHA256 of `<timestamp>.<raw body>` with the shared secret, the timestamp exactly as the
 * header carries it (a sender that writes `0001764000000` signs those characters). Inbound generation hooks
 * are checked with it and outbound verdict deliveries signed with it.
 */
export function signHook(secret: string, timestamp: number | string, rawBody: Buffer | string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}
