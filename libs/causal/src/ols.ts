/**
 * Ordinary least squares with statsmodels' covariance estimators: OLS(y, X).fit(cov_type=…) for
 * 'nonrobust', 'HC1' and 'cluster' (its defaults: use_correction=True, df_correction=True, use_t=False).
 */
import { normalSf, studentTSf } from '@assay/stats';
import { singularError, validateDesign, type Design } from './design.js';
import { CausalError } from './errors.js';
import { groupCodes, type Groups } from './groups.js';
import { cholesky, choleskyInverse, choleskySolve, crossVector, gram, sandwich, width, type Cholesky, type Columns } from './linalg.js';

export type CovarianceType = 'nonrobust' | 'HC1' | 'cluster';

export interface OlsResult {
  names: string[];
  coef: Float64Array;
  se: Float64Array;
  /** Covariance of the coefficients, row-major cols × cols. */
  cov: Float64Array;
  /** coef / se: a t statistic for 'nonrobust', a z statistic for the robust types. */
  z: Float64Array;
  /** Two-sided: Student t with dfResid degrees of freedom for 'nonrobust', standard normal for 'HC1' and 'cluster' (statsmodels' defaults). */
  pValues: Float64Array;
  dfResid: number;
  covType: CovarianceType;
  /** Number of clusters, for 'cluster'. */
  clusters?: number;
}

export interface OlsOptions {
  /** Default 'cluster' when groups are given, else 'nonrobust'. */
  cov?: CovarianceType;
  /** Cluster ids, one per row, for cov 'cluster'. */
  groups?: Groups;
  /** Positive weights, one per row: weighted least squares, statsmodels WLS(y, X, weights=…). */
  weights?: ArrayLike<number>;
}

/** A least-squares fit on the rows of a mask; residuals are 0 outside it. */
export interface LinearFit {
  coef: Float64Array;
  chol: Cholesky;
  resid: Float64Array;
  n: number;
  weights: ArrayLike<number> | null;
}

/** resid_i −= z_iᵀδ over the masked rows. */
function subtractFitted(src: Columns, delta: Float64Array, resid: Float64Array, mask: Uint8Array | null): void {
  const { x, rows, cols, extra } = src;
  for (let i = 0; i < rows; i++) {
    if (mask !== null && mask[i] === 0) continue;
    const base = i * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[base + j] * delta[j];
    if (extra) s += extra[i] * delta[cols];
    resid[i] -= s;
  }
}

/**
 * Least squares by the normal equations and one step of iterative refinement (solve again against the
 * residuals' XᵀR): two O(n·K) passes that bring the coefficients close to what an orthogonal (QR / SVD)
 * solver returns, so they agree with statsmodels' pinv to ~1e-12 on ordinarily conditioned designs.
 * Columns that are linear combinations of earlier ones are dropped (coefficient 0); callers that need full
 * rank check chol.dropped.
 */
export function fitLinear(src: Columns, y: Float64Array, mask: Uint8Array | null, weights: ArrayLike<number> | null = null): LinearFit {
  const { a, b } = gram(src, weights, mask, y);
  const chol = cholesky(a, width(src));
  const coef = choleskySolve(chol, b);
  const resid = new Float64Array(src.rows);
  let n = 0;
  for (let i = 0; i < src.rows; i++) {
    if (mask !== null && mask[i] === 0) continue;
    resid[i] = y[i];
    n++;
  }
  subtractFitted(src, coef, resid, mask);
  const delta = choleskySolve(chol, crossVector(src, resid, mask, weights));
  for (let j = 0; j < coef.length; j++) coef[j] += delta[j];
  subtractFitted(src, delta, resid, mask);
  return { coef, chol, resid, n, weights };
}

/**
 * The coefficients' covariance: σ²(XᵀX)⁻¹ with σ² = RSS/(n − K); HC1, n/(n − K)·(XᵀX)⁻¹ Σ e_i² x_i x_iᵀ (XᵀX)⁻¹;
 * or CR1, G/(G − 1)·(n − 1)/(n − K)·(XᵀX)⁻¹ Σ_g u_g u_gᵀ (XᵀX)⁻¹ with u_g = Σ_{i∈g} e_i x_i.
 */
export function linearCovariance(
  src: Columns,
  fit: LinearFit,
  mask: Uint8Array | null,
  covType: CovarianceType,
  groups: { codes: Int32Array; count: number } | null,
): Float64Array {
  const k = width(src);
  // with weights these are the whitened residuals √w·e and rows √w·x, as statsmodels' WLS works on them
  const { resid, n, weights } = fit;
  const w = (i: number) => (weights === null ? 1 : weights[i]);
  const rank = k - fit.chol.dropped.length;
  const bread = choleskyInverse(fit.chol);
  if (covType === 'nonrobust') {
    let rss = 0;
    for (let i = 0; i < src.rows; i++) rss += w(i) * resid[i] * resid[i];
    const s2 = rss / (n - rank);
    return bread.map((v) => v * s2);
  }
  if (covType === 'HC1') {
    const squared = resid.map((e, i) => (w(i) * e) ** 2); // ẽ²·x̃x̃ᵀ = w²e²·xxᵀ
    const cov = sandwich(bread, gram(src, squared, mask, null).a, k);
    return cov.map((v) => (v * n) / (n - rank));
  }
  const { codes, count } = groups!;
  const u = new Float64Array(count * k);
  const { x, cols, extra } = src;
  for (let i = 0; i < src.rows; i++) {
    if (mask !== null && mask[i] === 0) continue;
    const e = w(i) * resid[i];
    const off = codes[i] * k;
    const base = i * cols;
    for (let j = 0; j < cols; j++) u[off + j] += e * x[base + j];
    if (extra) u[off + cols] += e * extra[i];
  }
  const meat = new Float64Array(k * k);
  for (let g = 0; g < count; g++) {
    const off = g * k;
    for (let p = 0; p < k; p++) {
      const up = u[off + p];
      for (let q = 0; q <= p; q++) meat[p * k + q] += up * u[off + q];
    }
  }
  for (let p = 0; p < k; p++) for (let q = 0; q < p; q++) meat[q * k + p] = meat[p * k + q];
  const factor = (count / (count - 1)) * ((n - 1) / (n - rank));
  return sandwich(bread, meat, k).map((v) => v * factor);
}

export function validateResponse(y: ArrayLike<number>, rows: number, what: string): void {
  if (y.length !== rows) throw new CausalError('invalid_input', `${what} has ${y.length} values for ${rows} design rows`);
  for (let i = 0; i < rows; i++) {
    if (!Number.isFinite(y[i])) throw new CausalError('invalid_input', `${what}[${i}] is ${y[i]}`, { row: i });
  }
}

/** Wald inference for coefficients: se, statistic and two-sided p-value (t with df, or normal when df is null). */
export function waldTable(coef: Float64Array, cov: Float64Array, df: number | null) {
  const k = coef.length;
  const se = new Float64Array(k);
  const z = new Float64Array(k);
  const pValues = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    se[j] = Math.sqrt(cov[j * k + j]);
    z[j] = coef[j] / se[j];
    const tail = df === null ? normalSf(Math.abs(z[j])) : studentTSf(Math.abs(z[j]), df);
    pValues[j] = Math.min(1, 2 * tail);
  }
  return { se, z, pValues };
}

/**
 * OLS of y on the design (which carries its own intercept) with classical, HC1 or cluster-robust (CR1)
 * covariance: statsmodels OLS(y, X).fit(cov_type=…), or WLS(y, X, weights=…) when weights are given. Throws design_singular naming aliased columns,
 * not_enough_rows unless rows > cols, invalid_input on mismatched or non-finite input.
 */
export function ols(y: Float64Array, design: Design, options: OlsOptions = {}): OlsResult {
  validateDesign(design);
  validateResponse(y, design.rows, 'y');
  const covType = options.cov ?? (options.groups ? 'cluster' : 'nonrobust');
  if (!['nonrobust', 'HC1', 'cluster'].includes(covType)) throw new CausalError('invalid_input', `unknown covariance type ${covType}`);
  if (covType === 'cluster' && !options.groups) throw new CausalError('invalid_input', "cov 'cluster' needs groups");
  if (covType !== 'cluster' && options.groups)
    throw new CausalError('invalid_input', `groups are only used with cov 'cluster', not '${covType}'`);
  if (design.rows <= design.cols)
    throw new CausalError('not_enough_rows', `${design.rows} rows for ${design.cols} coefficients`, {
      rows: design.rows,
      cols: design.cols,
    });
  const groups = covType === 'cluster' ? groupCodes(options.groups!, design.rows) : null;
  if (groups && groups.count < 2) throw new CausalError('not_enough_rows', 'cluster-robust covariance needs at least 2 clusters');

  const weights = options.weights ?? null;
  if (weights !== null) {
    if (weights.length !== design.rows)
      throw new CausalError('invalid_input', `weights has ${weights.length} values for ${design.rows} rows`);
    for (let i = 0; i < design.rows; i++) {
      if (!(weights[i] > 0 && Number.isFinite(weights[i])))
        throw new CausalError('invalid_input', `weights[${i}] is ${weights[i]}; weights must be positive`);
    }
  }
  const fit = fitLinear(design, y, null, weights);
  if (fit.chol.dropped.length > 0) throw singularError(design.names, fit.chol.dropped);
  const cov = linearCovariance(design, fit, null, covType, groups);
  const dfResid = design.rows - design.cols;
  return {
    names: [...design.names],
    coef: fit.coef,
    cov,
    ...waldTable(fit.coef, cov, covType === 'nonrobust' ? dfResid : null),
    dfResid,
    covType,
    ...(groups ? { clusters: groups.count } : {}),
  };
}
