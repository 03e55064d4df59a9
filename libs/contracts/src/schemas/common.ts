import { z } from 'zod';

/** `s3://bucket/key`; bucket per the S3 naming rules, key non-empty. */
export const S3_URI_PATTERN = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;

export const S3Uri = z.string().max(2048).regex(S3_URI_PATTERN, 'must look like s3://bucket/key');

export const AttributeValue = z.union([z.string().max(1024), z.number().finite(), z.boolean()]);
export const Attributes = z
  .record(z.string().min(1).max(64), AttributeValue)
  .refine((a) => Object.keys(a).length <= 64, 'at most 64 attributes');

export const Labels = z
  .record(z.string().min(1).max(64), z.string().max(256))
  .refine((l) => Object.keys(l).length <= 32, 'at most 32 labels');

export const FailureReason = z.object({ code: z.string(), message: z.string() });
export type FailureReason = z.infer<typeof FailureReason>;

export const ObjectRef = z.object({ bucket: z.string(), key: z.string() });
export type ObjectRef = z.infer<typeof ObjectRef>;

/**
 * Why a key cannot be used, or undefined. Stores that keep objects as files (s3rver, some gateways) resolve
 * `.` and `..` segments, so `s3://assay/../other-bucket/key` would read another bucket: keys with `.`, `..`
 * or empty segments, backslashes or control characters are refused, never normalised.
 */
export function s3KeyProblem(key: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (/[\\\x00-\x1f\x7f]/.test(key)) return 'the key contains a backslash or a control character';
  const segments = key.split('/');
  if (segments.some((s) => s === '.' || s === '..')) return 'the key has a "." or ".." segment';
  if (segments.some((s) => s === '')) return 'the key has an empty segment (a leading, trailing or doubled "/")';
  return undefined;
}

export function parseS3Uri(uri: string): ObjectRef | undefined {
  const m = S3_URI_PATTERN.exec(uri);
  return m ? { bucket: m[1], key: m[2] } : undefined;
}

export function toS3Uri(ref: ObjectRef): string {
  return `s3://${ref.bucket}/${ref.key}`;
}
