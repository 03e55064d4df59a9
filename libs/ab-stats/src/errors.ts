/**
 * Why an A/B statistic cannot be computed. Bad input throws an AbStatsError with one of these codes; a
 * well-formed but degenerate input (an arm with no variation) comes back as a result that says so.
 */
export type AbStatsErrorCode =
  | 'not_enough_units' // an arm with fewer than 2 units: no variance
  | 'zero_denominator' // a ratio metric whose denominators sum to 0 in an arm
  | 'length_mismatch' // y, n and x of one arm of different lengths, or observed and weights
  | 'non_finite_value' // NaN or ±Infinity in the data
  | 'missing_covariate' // CUPED asked for with a covariate in one arm only
  | 'metric_kind_mismatch' // a denominator n in one arm only
  | 'invalid_argument'; // a level, margin, weight, count or variance out of its domain

export class AbStatsError extends Error {
  override readonly name = 'AbStatsError';
  constructor(
    readonly code: AbStatsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function requireAlpha(alpha: number, what = 'alpha'): void {
  if (!(alpha > 0 && alpha < 1)) throw new AbStatsError('invalid_argument', `${what} must be in (0, 1), got ${alpha}`);
}

export function requirePositive(value: number, what: string): void {
  if (!(value > 0 && Number.isFinite(value)))
    throw new AbStatsError('invalid_argument', `${what} must be positive and finite, got ${value}`);
}
