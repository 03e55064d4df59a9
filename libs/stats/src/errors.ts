/**
 * Why a statistic cannot be computed from its input. The library never returns NaN silently: bad input
 * throws a StatsInputError with one of these codes, and a well-formed but degenerate input (zero variance,
 * too few values for a bootstrap) comes back as a result that says so.
 */
export type StatsErrorCode =
  | 'empty_sample' // an array with no values
  | 'too_few_values' // fewer values than the method needs (e.g. n < 2 for a variance)
  | 'non_finite_value' // NaN or ±Infinity where a finite number is required
  | 'length_mismatch' // columns or paired arrays of different lengths
  | 'all_zero_differences' // Wilcoxon: every paired difference is 0 (SciPy raises too)
  | 'invalid_argument'; // a count, probability, level, seed or option out of its domain

export class StatsInputError extends Error {
  override readonly name = 'StatsInputError';
  constructor(
    readonly code: StatsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Throws unless every value is finite; returns the length. */
export function requireFinite(values: ArrayLike<number>, what: string, minLength = 1): number {
  const n = values.length;
  if (n === 0) throw new StatsInputError('empty_sample', `${what} is empty`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) throw new StatsInputError('non_finite_value', `${what}[${i}] is ${values[i]}`);
  }
  if (n < minLength) throw new StatsInputError('too_few_values', `${what} has ${n} values; at least ${minLength} needed`);
  return n;
}

/** A significance level in (0, 1). */
export function requireAlpha(alpha: number, what = 'alpha'): void {
  if (!(alpha > 0 && alpha < 1)) throw new StatsInputError('invalid_argument', `${what} must be in (0, 1), got ${alpha}`);
}

export function requireCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StatsInputError('invalid_argument', `${what} must be a non-negative integer, got ${value}`);
  }
}

export function requireProbability(p: number, what: string): void {
  if (!(p >= 0 && p <= 1)) throw new StatsInputError('invalid_argument', `${what} must be in [0, 1], got ${p}`);
}
