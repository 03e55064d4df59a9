import type { z } from 'zod';
import { AssayError, ErrorCode, type FieldIssue } from '@assay/contracts';

/**
 * Parses a query string object (Express: a value, or a list when the parameter repeats). Parameters in
 * `lists` are read as lists even when given once; a repeated one that is not a list fails its schema.
 * Problems are `validation_failed` with one detail per parameter, unknown parameters by name.
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown, lists: readonly string[] = []): z.infer<S> {
  const raw = { ...((query ?? {}) as Record<string, unknown>) };
  for (const key of lists) if (typeof raw[key] === 'string') raw[key] = [raw[key]];
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const details: FieldIssue[] = result.error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ path: key, message: 'unknown query parameter' }))
      : [{ path: i.path.map(String).join('.') || '(query)', message: i.message }],
  );
  throw invalid(details);
}

export function invalid(details: FieldIssue[]): AssayError {
  return new AssayError(ErrorCode.ValidationFailed, `invalid query: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}
