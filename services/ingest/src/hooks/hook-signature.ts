import { timingSafeEqual } from 'node:crypto';
import { AssayError, ErrorCode, SIGNATURE_HEADER, signHook, TIMESTAMP_HEADER } from '@assay/contracts';

/**
 * Checks a generation hook's signature over the exact bytes received, and that its timestamp is within
 * `toleranceSeconds` of now (a captured request cannot be replayed later). Returns the signature.
 */
export function verifyHook(opts: {
  secret: string;
  toleranceSeconds: number;
  signature?: string;
  timestamp?: string;
  rawBody?: Buffer;
  now?: number;
}): string {
  const { signature, timestamp, rawBody } = opts;
  if (!signature || !timestamp)
    throw new AssayError(ErrorCode.HookSignatureMissing, `send ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} headers`);
  if (!/^\d{1,20}$/.test(timestamp)) throw new AssayError(ErrorCode.HookSignatureInvalid, `${TIMESTAMP_HEADER} must be unix seconds`);
  const ts = Number(timestamp);
  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  if (Math.abs(now - ts) > opts.toleranceSeconds) {
    throw new AssayError(
      ErrorCode.HookTimestampStale,
      `timestamp is ${now - ts} s from server time; the tolerance is ${opts.toleranceSeconds} s`,
    );
  }
  const expected = Buffer.from(signHook(opts.secret, timestamp, rawBody ?? Buffer.alloc(0)));
  const given = Buffer.from(signature.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AssayError(ErrorCode.HookSignatureInvalid, 'signature does not match the body');
  }
  return signature.trim();
}
