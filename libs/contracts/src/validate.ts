import type { z } from 'zod';
import { AssayError, ErrorCode, type FieldIssue } from './errors.js';

/** Parse at a boundary; on failure throw `validation_failed` (or the given code) with one issue per field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, code: ErrorCode = ErrorCode.ValidationFailed): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: FieldIssue[] = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  throw new AssayError(code, `invalid input: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}
