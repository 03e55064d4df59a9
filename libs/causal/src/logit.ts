/**
 * Maximum-likelihood logistic regression by Newton–Raphson (IRLS), with statsmodels Logit semantics:
 * Logit(t, X).fit(method='newton') stops when no coefficient moved more than tol in the last step, and its
 * standard errors are √diag((XᵀWX)⁻¹) at the final coefficients, W = diag(p(1 − p)).
 */
import { singularError, validateDesign, type Design } from './design.js';
import { CausalError } from './errors.js';
import { cholesky, choleskyInverse, choleskySolve, crossVector, gram, rowDot, width, type Columns } from './linalg.js';

export interface LogitResult {
  names: string[];
  coef: Float64Array;
  se: Float64Array;
  /** (XᵀWX)⁻¹ at the estimate, row-major cols × cols. */
  cov: Float64Array;
  converged: boolean;
  iterations: number;
  logLikelihood: number;
  /** Fitted probabilities, one per row. */
  fitted: Float64Array;
}

export interface LogitOptions {
  /** Newton iterations before not_converged; default 50. */
  maxIter?: number;
  /** Largest coefficient change that counts as converged; default 1e-8 (statsmodels' default). */
  tol?: number;
}

/** |t − p| below this is a perfectly predicted row: |η| > 18.4, beyond what any finite-MLE fit needs for ordinary data. */
const PERFECT = 1e-8;

/** log(1 + e^η) without overflow. */
const softplus = (eta: number) => Math.max(eta, 0) + Math.log1p(Math.exp(-Math.abs(eta)));

/** Linear predictor, probabilities and log-likelihood at beta. */
function evaluate(src: Columns, t: ArrayLike<number>, beta: Float64Array, eta: Float64Array, p: Float64Array): number {
  let ll = 0;
  for (let i = 0; i < src.rows; i++) {
    const e = rowDot(src, i, beta);
    eta[i] = e;
    p[i] = 1 / (1 + Math.exp(-e));
    ll += t[i] * e - softplus(e);
  }
  return ll;
}

function perfectlyPredicted(t: ArrayLike<number>, p: Float64Array): number {
  let count = 0;
  for (let i = 0; i < p.length; i++) if (Math.abs(t[i] - p[i]) < PERFECT) count++;
  return count;
}

function separationError(count: number, rows: number): CausalError {
  const kind = count === rows ? 'perfect' : 'quasi-perfect';
  return new CausalError(
    'separation',
    `${kind} separation: the covariates predict ${count} of ${rows} outcomes exactly, so the maximum-likelihood estimate does not exist`,
    { perfectlyPredicted: count, rows },
  );
}

/** Newton–Raphson on any column source (the design, or the design with an extra column). */
export function fitLogit(src: Columns, names: readonly string[], t: ArrayLike<number>, options: LogitOptions = {}): LogitResult {
  const maxIter = options.maxIter ?? 50;
  const tol = options.tol ?? 1e-8;
  if (!(Number.isSafeInteger(maxIter) && maxIter >= 1))
    throw new CausalError('invalid_input', `maxIter must be a positive integer, got ${maxIter}`);
  if (!(tol > 0)) throw new CausalError('invalid_input', `tol must be positive, got ${tol}`);
  const k = width(src);
  const n = src.rows;
  let beta = new Float64Array(k);
  const eta = new Float64Array(n);
  const p = new Float64Array(n);
  const w = new Float64Array(n);
  const residual = new Float64Array(n);
  let ll = evaluate(src, t, beta, eta, p);
  let converged = false;
  let iterations = 0;
  while (iterations < maxIter) {
    iterations++;
    for (let i = 0; i < n; i++) {
      w[i] = p[i] * (1 - p[i]);
      residual[i] = t[i] - p[i];
    }
    const chol = cholesky(gram(src, w, null, null).a, k);
    if (chol.dropped.length > 0) {
      // at the start (all weights ¼) this is the design itself; later, weights collapsing onto separated rows
      if (iterations === 1) throw singularError(names, chol.dropped);
      throw separationError(perfectlyPredicted(t, p), n);
    }
    const step = choleskySolve(chol, crossVector(src, residual, null));
    let largest = 0;
    for (let j = 0; j < k; j++) largest = Math.max(largest, Math.abs(step[j]));
    // a Newton step on the concave log-likelihood rarely overshoots; halve it when it does
    let next = beta.map((v, j) => v + step[j]);
    let nextLl = evaluate(src, t, next, eta, p);
    for (let h = 0; h < 30 && nextLl < ll - 1e-12 * Math.abs(ll); h++) {
      for (let j = 0; j < k; j++) step[j] /= 2;
      next = beta.map((v, j) => v + step[j]);
      nextLl = evaluate(src, t, next, eta, p);
    }
    beta = next;
    ll = nextLl;
    const perfect = perfectlyPredicted(t, p);
    if (perfect === n) throw separationError(perfect, n); // statsmodels' PerfectSeparationError
    if (largest <= tol) {
      converged = true;
      break;
    }
  }
  if (!converged) {
    const perfect = perfectlyPredicted(t, p);
    if (perfect > 0) throw separationError(perfect, n);
    throw new CausalError('not_converged', `logistic regression did not converge in ${maxIter} Newton iterations`, { iterations });
  }
  for (let i = 0; i < n; i++) w[i] = p[i] * (1 - p[i]);
  const chol = cholesky(gram(src, w, null, null).a, k);
  if (chol.dropped.length > 0) throw separationError(perfectlyPredicted(t, p), n);
  const cov = choleskyInverse(chol);
  const se = new Float64Array(k);
  for (let j = 0; j < k; j++) se[j] = Math.sqrt(cov[j * k + j]);
  return { names: [...names], coef: beta, se, cov, converged, iterations, logLikelihood: ll, fitted: p };
}

export function validateTreatment(t: ArrayLike<number>, rows: number, what: string): void {
  if (t.length !== rows) throw new CausalError('invalid_input', `${what} has ${t.length} values for ${rows} design rows`);
  for (let i = 0; i < rows; i++) {
    if (t[i] !== 0 && t[i] !== 1) throw new CausalError('invalid_input', `${what}[${i}] is ${t[i]}; it must be 0 or 1`, { row: i });
  }
}

/**
 * Logistic regression of a 0/1 outcome on the design (which carries its own intercept): statsmodels
 * Logit(t, X).fit(method='newton'). Throws separation when the covariates (quasi-)perfectly predict t,
 * not_converged after maxIter iterations, design_singular, not_enough_rows, invalid_input.
 */
export function logit(t: ArrayLike<number>, design: Design, options: LogitOptions = {}): LogitResult {
  validateDesign(design);
  validateTreatment(t, design.rows, 't');
  if (design.rows <= design.cols)
    throw new CausalError('not_enough_rows', `${design.rows} rows for ${design.cols} coefficients`, {
      rows: design.rows,
      cols: design.cols,
    });
  return fitLogit(design, design.names, t, options);
}
