/**
 * The effect of a binary asset attribute on an outcome from observational rows: the naive difference, the
 * regression-adjusted coefficient, normalized IPW and doubly robust AIPW on the propensity-trimmed sample,
 * with the diagnostics (overlap, balance, E-value) that say how far to trust them.
 */
import { normalIsf, normalSf, studentTIsf, studentTSf } from '@assay/stats';
import { singularError, validateDesign, type Design } from './design.js';
import { CausalError } from './errors.js';
import { groupCodes, type Groups } from './groups.js';
import { fitLogit, validateTreatment } from './logit.js';
import { fitLinear, linearCovariance, validateResponse } from './ols.js';
import { rowDot, type Columns } from './linalg.js';

export interface EffectEstimate {
  estimate: number;
  se: number;
  ci: [number, number];
  pValue: number;
}

export interface BalanceRow {
  covariate: string;
  smdBefore: number;
  smdAfter: number;
}

export interface OverlapSummary {
  treated: { bins: number[]; min: number; max: number };
  control: { bins: number[]; min: number; max: number };
  edges: number[];
  /** Rows whose propensity falls outside trimBounds, removed before IPW and AIPW. */
  trimmed: number;
  trimBounds: [number, number];
}

export interface EValue {
  point: number;
  ciBound: number;
}

export interface CausalEstimate {
  rows: number;
  treated: number;
  control: number;
  /** Difference of means (treated − control), Welch's t interval. */
  naive: EffectEstimate;
  /** Coefficient of the treatment in OLS y ~ X + t on all rows; normal interval. */
  regression: EffectEstimate & { covType: 'HC1' | 'cluster' };
  /** Normalized (Hájek) IPW ATE on the trimmed rows; normal interval. */
  ipw: EffectEstimate;
  /** Doubly robust AIPW ATE on the trimmed rows, influence-function SE; normal interval. */
  aipw: EffectEstimate;
  propensity: { coef: Record<string, number>; converged: boolean };
  /** Treated and control rows left after trimming. */
  analysed: { treated: number; control: number };
  /** Design columns an outcome model dropped because they are constant or aliased within its arm (e.g. a level no treated row has). */
  outcomeModels: { treatedDropped: string[]; controlDropped: string[] };
  overlap: OverlapSummary;
  balance: BalanceRow[];
  eValue: EValue;
  assumptions: string;
}

export interface EffectInput {
  y: Float64Array;
  /** 1 treated, 0 control. */
  t: ArrayLike<number>;
  /** The confounders, intercept included; the regression adds the treatment as a last column. */
  design: Design;
  /** Cluster ids: cluster-robust regression SE, and IPW / AIPW influence functions summed within clusters. */
  groups?: Groups;
  /** 1 − level of the intervals; default 0.05. */
  alpha?: number;
  /** Propensity bounds of the analysed rows; default [0.05, 0.95]. */
  trim?: [number, number];
}

const BINS = 20;
const MIN_ARM = 10;

export const ASSUMPTIONS =
  'These are observational estimates, not experiments. They estimate the causal effect of the attribute only if ' +
  '(1) no unmeasured confounding: every variable that affects both whether an asset has the attribute and its outcome is among ' +
  'the covariates; (2) overlap: assets with and without the attribute occur at every covariate pattern analysed (rows with ' +
  'propensity outside the trim bounds are dropped, so IPW and AIPW describe the remaining population); and (3) correct models: ' +
  'the regression estimate needs the linear outcome model, IPW the logistic propensity model, and AIPW either one of the two. ' +
  'The E-value says how strongly an unmeasured confounder would have to be associated with both the attribute and the outcome ' +
  '(as a risk ratio) to explain the AIPW estimate away.';

/** E-value of a risk ratio (VanderWeele & Ding 2017): RR + √(RR(RR − 1)), RR < 1 inverted first. */
export function eValueRiskRatio(rr: number): number {
  if (!(rr > 0 && Number.isFinite(rr))) throw new CausalError('invalid_input', `risk ratio must be positive and finite, got ${rr}`);
  const r = rr < 1 ? 1 / rr : rr;
  return r + Math.sqrt(r * (r - 1));
}

/**
 * E-values of a difference in a continuous outcome, through the approximate risk ratio exp(0.91·d) of the
 * standardized difference d = estimate / sd(y) (VanderWeele & Ding 2017, after Chinn 2000); the CI bound's
 * is that of the limit nearer 0, and 1 when the interval contains 0.
 */
export function eValueForDifference(estimate: number, ci: [number, number], sdY: number): EValue {
  if (!(sdY > 0)) throw new CausalError('invalid_input', `sd(y) must be positive, got ${sdY}`);
  const ofDifference = (d: number) => eValueRiskRatio(Math.exp((0.91 * Math.abs(d)) / sdY));
  const containsZero = ci[0] <= 0 && ci[1] >= 0;
  return { point: ofDifference(estimate), ciBound: containsZero ? 1 : ofDifference(estimate > 0 ? ci[0] : ci[1]) };
}

function normalEstimate(estimate: number, se: number, alpha: number): EffectEstimate {
  const half = normalIsf(alpha / 2) * se;
  return { estimate, se, ci: [estimate - half, estimate + half], pValue: Math.min(1, 2 * normalSf(Math.abs(estimate / se))) };
}

/** Welch's difference of means, treated − control. */
function welch(y: Float64Array, t: ArrayLike<number>, alpha: number): EffectEstimate {
  const sum = [0, 0];
  const count = [0, 0];
  for (let i = 0; i < y.length; i++) {
    sum[t[i]] += y[i];
    count[t[i]]++;
  }
  const mean = [sum[0] / count[0], sum[1] / count[1]];
  const ss = [0, 0];
  for (let i = 0; i < y.length; i++) ss[t[i]] += (y[i] - mean[t[i]]) ** 2;
  const v1 = ss[1] / (count[1] - 1) / count[1];
  const v0 = ss[0] / (count[0] - 1) / count[0];
  const se = Math.sqrt(v1 + v0);
  const df = (v1 + v0) ** 2 / ((v1 * v1) / (count[1] - 1) + (v0 * v0) / (count[0] - 1));
  const estimate = mean[1] - mean[0];
  const half = studentTIsf(alpha / 2, df) * se;
  return { estimate, se, ci: [estimate - half, estimate + half], pValue: Math.min(1, 2 * studentTSf(Math.abs(estimate / se), df)) };
}

/**
 * Variance of a mean-zero influence function φ over the n analysed rows, Σφ²/n²; with clusters,
 * G/(G − 1)·Σ_g(Σ_{i∈g} φ_i)²/n² over the G clusters present.
 */
function influenceVariance(phi: Float64Array, mask: Uint8Array, n: number, groups: { codes: Int32Array; count: number } | null): number {
  if (groups === null) {
    let s = 0;
    for (let i = 0; i < phi.length; i++) if (mask[i]) s += phi[i] * phi[i];
    return s / (n * n);
  }
  const sums = new Float64Array(groups.count);
  const present = new Uint8Array(groups.count);
  for (let i = 0; i < phi.length; i++) {
    if (!mask[i]) continue;
    sums[groups.codes[i]] += phi[i];
    present[groups.codes[i]] = 1;
  }
  let s = 0;
  let g = 0;
  for (let c = 0; c < groups.count; c++) {
    s += sums[c] * sums[c];
    g += present[c];
  }
  if (g < 2) throw new CausalError('not_enough_rows', 'clustered standard errors need at least 2 clusters among the trimmed rows');
  return ((g / (g - 1)) * s) / (n * n);
}

function histogram(values: number[]): { bins: number[]; min: number; max: number } {
  const bins = new Array<number>(BINS).fill(0);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    bins[Math.min(BINS - 1, Math.floor(v * BINS))]++;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { bins, min, max };
}

/**
 * Standardized mean differences of each design column but the intercept: (mean_treated − mean_control) /
 * √((s²_treated + s²_control)/2) with the unweighted sample variances of all rows as the scale, before
 * (all rows, unweighted) and after (trimmed rows, IPW weights 1/e and 1/(1 − e)) — the same scale both
 * times, so the change shows the means moving, not the yardstick.
 */
function balanceTable(design: Design, t: ArrayLike<number>, e: Float64Array, mask: Uint8Array): BalanceRow[] {
  const { x, rows, cols, names } = design;
  const rowsOut: BalanceRow[] = [];
  for (let j = 0; j < cols; j++) {
    if (names[j] === 'Intercept') continue;
    const sum = [0, 0];
    const count = [0, 0];
    const wsum = [0, 0];
    const wtot = [0, 0];
    for (let i = 0; i < rows; i++) {
      const v = x[i * cols + j];
      const g = t[i];
      sum[g] += v;
      count[g]++;
      if (mask[i]) {
        const w = g === 1 ? 1 / e[i] : 1 / (1 - e[i]);
        wsum[g] += w * v;
        wtot[g] += w;
      }
    }
    const mean = [sum[0] / count[0], sum[1] / count[1]];
    const ss = [0, 0];
    for (let i = 0; i < rows; i++) ss[t[i]] += (x[i * cols + j] - mean[t[i]]) ** 2;
    const scale = Math.sqrt((ss[1] / (count[1] - 1) + ss[0] / (count[0] - 1)) / 2);
    const smd = (d: number) => (scale > 0 ? d / scale : 0);
    rowsOut.push({ covariate: names[j], smdBefore: smd(mean[1] - mean[0]), smdAfter: smd(wsum[1] / wtot[1] - wsum[0] / wtot[0]) });
  }
  return rowsOut;
}

/**
 * The full analysis. Propensity e(x) by logistic regression of t on the design; rows with e outside
 * `trim` are dropped (no_overlap when fewer than 10 treated or 10 control rows remain); outcome models
 * OLS y ~ X fitted separately on the trimmed treated and control rows give m1, m0 for AIPW.
 */
export function estimateEffect(input: EffectInput): CausalEstimate {
  const { y, t, design } = input;
  const alpha = input.alpha ?? 0.05;
  const trim = input.trim ?? [0.05, 0.95];
  validateDesign(design);
  validateResponse(y, design.rows, 'y');
  validateTreatment(t, design.rows, 't');
  if (!(alpha > 0 && alpha < 1)) throw new CausalError('invalid_input', `alpha must be in (0, 1), got ${alpha}`);
  if (!(trim.length === 2 && trim[0] >= 0 && trim[0] < trim[1] && trim[1] <= 1))
    throw new CausalError('invalid_input', `trim must be [lo, hi] with 0 ≤ lo < hi ≤ 1, got ${JSON.stringify(trim)}`);
  const n = design.rows;
  let treated = 0;
  for (let i = 0; i < n; i++) treated += t[i];
  const control = n - treated;
  if (treated < 2 || control < 2)
    throw new CausalError('not_enough_rows', `${treated} treated and ${control} control rows; at least 2 of each needed`, {
      treated,
      control,
    });
  if (n <= design.cols + 1)
    throw new CausalError('not_enough_rows', `${n} rows for ${design.cols + 1} regression coefficients`, {
      rows: n,
      cols: design.cols + 1,
    });
  const groups = input.groups ? groupCodes(input.groups, n) : null;
  if (groups && groups.count < 2) throw new CausalError('not_enough_rows', 'cluster-robust standard errors need at least 2 clusters');

  const naive = welch(y, t, alpha);

  // regression adjustment: the treatment rides along as an extra column, so X is not copied
  const withT: Columns = { x: design.x, rows: n, cols: design.cols, extra: Float64Array.from(t) };
  const reg = fitLinear(withT, y, null);
  if (reg.chol.dropped.length > 0) throw singularError([...design.names, 'treatment'], reg.chol.dropped);
  const covType: 'HC1' | 'cluster' = groups ? 'cluster' : 'HC1';
  const regCov = linearCovariance(withT, reg, null, covType, groups);
  const k1 = design.cols + 1;
  const regression = { ...normalEstimate(reg.coef[design.cols], Math.sqrt(regCov[k1 * k1 - 1]), alpha), covType };

  const ps = fitLogit(design, design.names, t);
  const e = ps.fitted;
  const [lo, hi] = trim;
  const mask = new Uint8Array(n);
  const treatedMask = new Uint8Array(n);
  const controlMask = new Uint8Array(n);
  const scores: [number[], number[]] = [[], []];
  let kept = 0;
  for (let i = 0; i < n; i++) {
    scores[t[i]].push(e[i]);
    if (e[i] >= lo && e[i] <= hi) {
      mask[i] = 1;
      (t[i] === 1 ? treatedMask : controlMask)[i] = 1;
      kept++;
    }
  }
  let keptTreated = 0;
  for (let i = 0; i < n; i++) keptTreated += treatedMask[i];
  const keptControl = kept - keptTreated;
  const overlap: OverlapSummary = {
    treated: histogram(scores[1]),
    control: histogram(scores[0]),
    edges: Array.from({ length: BINS + 1 }, (_, b) => b / BINS),
    trimmed: n - kept,
    trimBounds: [lo, hi],
  };
  if (keptTreated < MIN_ARM || keptControl < MIN_ARM)
    throw new CausalError(
      'no_overlap',
      `after trimming propensities outside [${lo}, ${hi}], ${keptTreated} treated and ${keptControl} control rows remain; at least ${MIN_ARM} of each needed`,
      { treated: keptTreated, control: keptControl, trimmed: n - kept, overlap },
    );

  // Hájek IPW: weighted means within each arm, weights 1/e and 1/(1 − e)
  let s1 = 0;
  let w1 = 0;
  let s0 = 0;
  let w0 = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    if (t[i] === 1) {
      s1 += y[i] / e[i];
      w1 += 1 / e[i];
    } else {
      s0 += y[i] / (1 - e[i]);
      w0 += 1 / (1 - e[i]);
    }
  }
  const mu1 = s1 / w1;
  const mu0 = s0 / w0;
  const phi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    phi[i] = t[i] === 1 ? ((y[i] - mu1) / e[i]) * (kept / w1) : -((y[i] - mu0) / (1 - e[i])) * (kept / w0);
  }
  const ipw = normalEstimate(mu1 - mu0, Math.sqrt(influenceVariance(phi, mask, kept, groups)), alpha);

  // AIPW: ψ = m1 − m0 + t(y − m1)/e − (1 − t)(y − m0)/(1 − e), averaged over the trimmed rows
  const m1 = fitLinear(design, y, treatedMask);
  const m0 = fitLinear(design, y, controlMask);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const f1 = rowDot(design, i, m1.coef);
    const f0 = rowDot(design, i, m0.coef);
    const psi = f1 - f0 + (t[i] === 1 ? (y[i] - f1) / e[i] : -(y[i] - f0) / (1 - e[i]));
    phi[i] = psi;
    total += psi;
  }
  const ate = total / kept;
  for (let i = 0; i < n; i++) if (mask[i]) phi[i] -= ate;
  const aipw = normalEstimate(ate, Math.sqrt(influenceVariance(phi, mask, kept, groups)), alpha);

  let ySum = 0;
  for (let i = 0; i < n; i++) if (mask[i]) ySum += y[i];
  let ySs = 0;
  for (let i = 0; i < n; i++) if (mask[i]) ySs += (y[i] - ySum / kept) ** 2;

  const coef: Record<string, number> = {};
  design.names.forEach((name, j) => (coef[name] = ps.coef[j]));
  return {
    rows: n,
    treated,
    control,
    naive,
    regression,
    ipw,
    aipw,
    propensity: { coef, converged: ps.converged },
    analysed: { treated: keptTreated, control: keptControl },
    outcomeModels: {
      treatedDropped: m1.chol.dropped.map((j) => design.names[j]),
      controlDropped: m0.chol.dropped.map((j) => design.names[j]),
    },
    overlap,
    balance: balanceTable(design, t, e, mask),
    eValue: eValueForDifference(aipw.estimate, aipw.ci, Math.sqrt(ySs / (kept - 1))),
    assumptions: ASSUMPTIONS,
  };
}
