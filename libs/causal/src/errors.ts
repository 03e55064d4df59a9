/**
 * Why an estimate cannot be computed. Nothing here returns NaN silently: a malformed input, a design that
 * does not identify its coefficients, or data that cannot support the estimate throws a CausalError whose
 * code a caller can branch on and whose details name the offending columns or counts.
 */
export type CausalErrorCode =
  | 'design_singular' // a design column is (numerically) a linear combination of earlier ones
  | 'not_enough_rows' // fewer rows than coefficients, or too few treated / control rows
  | 'no_overlap' // after propensity trimming, fewer than 10 treated or 10 control rows remain
  | 'separation' // logistic regression: the covariates (quasi-)perfectly predict the outcome, so the MLE does not exist
  | 'not_converged' // Newton–Raphson did not meet its tolerance within maxIter
  | 'invalid_input'; // lengths, missing or non-finite values, a treatment other than 0/1, bad options

export class CausalError extends Error {
  override readonly name = 'CausalError';
  constructor(
    readonly code: CausalErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
