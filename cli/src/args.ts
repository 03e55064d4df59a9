import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

/**
 * node:util's parseArgs in strict mode, with its errors turned into one-line usage errors (its own messages
 * are several lines and talk about positionals starting with '-').
 */
type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

type Parsed<O extends OptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

export function parseOptions<O extends OptionsConfig>(args: string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true as const, strict: true as const });
  } catch (err) {
    throw usageErrorOf(err);
  }
}

function usageErrorOf(err: unknown): Error {
  const e = err as { code?: string; message?: string };
  const option = /'(-[^' ]+)/.exec(e.message ?? '')?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${option}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(e.message ?? '')) return new UsageError(`option ${option} takes no value`);
      // "ambiguous": the next word starts with '-', so it is taken for an option
      if (/ambiguous/.test(e.message ?? ''))
        return new UsageError(`option ${option} needs a value (for one that starts with '-': ${option}=VALUE)`);
      return new UsageError(`option ${option} needs a value`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${option}`);
    default:
      return err as Error;
  }
}

/** A positive, finite number (`--timeout 1.5` is fine; `abc`, `0`, `-1`, `Infinity` are not). */
export function positiveNumber(option: string, value: string, what: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${option} must be a positive number of ${what}, got '${value}'`);
  return n;
}

/** A whole number from 1 to `max`. */
export function positiveInteger(option: string, value: string, max: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${option} must be a whole number from 1 to ${max}, got '${value}'`);
  return n;
}
