/**
 * One metric, control against treatment, on per-unit values (one entry per randomization unit).
 *
 * - Mean metric: Welch's t on the per-unit values, df by Welch–Satterthwaite (SciPy `ttest_ind(equal_var=False)`,
 *   statsmodels `CompareMeans.tconfint_diff(usevar='unequal')`).
 * - Ratio metric R = Σy/Σn (e.g. CTR = Σclicks/Σimpressions with the user as unit, so impressions of one user are
 *   not independent): the delta method (Deng et al. 2018, "Applying the Delta Method in Metric Analytics"),
 *   Var(R) = (s²_y − 2R s_yn + R² s²_n)/(N μ_n²). That is the variance of the mean of the linearized values
 *   Lᵢ = (yᵢ − R nᵢ)/μ_n + R, whose mean is R; the code works on Lᵢ, which also avoids the formula's cancellation.
 *   The test is a z test (the delta method is asymptotic; there is no t df to speak of).
 * - CUPED (Deng et al. 2013): with a pre-period covariate xᵢ, vᵢ' = vᵢ − θ(xᵢ − x̄), θ = cov(v, x)/var(x) and x̄
 *   over both arms pooled, where v is y for a mean metric and the linearized L for a ratio metric — so a ratio
 *   metric is adjusted on the per-unit values whose mean is its delta-method estimate. The pooled θ (one θ for
 *   both arms, as in Deng et al.) keeps the adjustment identical across arms, so it cannot shift the difference
 *   except through the arms' covariate imbalance. θ is treated as known, as is customary (its error is O(1/N)).
 */
import { normalIsf, normalSf, studentTIsf, studentTSf } from '@assay/stats';
import { AbStatsError, requireAlpha } from './errors.js';
import { mean, variance } from './moments.js';

export interface ArmData {
  y: Float64Array;
  /** ratio metrics: the per-unit denominator (e.g. impressions); mean metrics: absent */
  n?: Float64Array;
  /** CUPED: the per-unit pre-period covariate */
  x?: Float64Array;
}

export interface ArmSummary {
  units: number;
  /** the arm's mean (or ratio), CUPED-adjusted when CUPED was applied */
  estimate: number;
  se: number;
}

export interface DifferenceEstimate {
  estimate: number;
  se: number;
  ci: [number, number];
  statistic: number;
  /** Welch–Satterthwaite df for a t test, Infinity for a z test */
  df: number;
  pValue: number;
}

export interface MetricComparison {
  kind: 'mean' | 'ratio';
  test: 'welch_t' | 'z';
  control: ArmSummary;
  treatment: ArmSummary;
  /** treatment − control */
  difference: DifferenceEstimate;
  /** treatment / control − 1, delta-method interval (normal); all NaN when the control estimate is 0 */
  relativeLift: { estimate: number; se: number; ci: [number, number] };
  /** present when CUPED was applied */
  cuped?: { theta: number; varianceReduction: number };
}

interface Arm {
  /** per-unit values whose mean is the arm's estimate: y, or the linearized ratio */
  values: Float64Array;
  estimate: number;
  x?: Float64Array;
}

function requireColumn(values: Float64Array, what: string, length: number): void {
  if (values.length !== length) throw new AbStatsError('length_mismatch', `${what} has ${values.length} values, y has ${length}`);
  for (let i = 0; i < length; i++) {
    if (!Number.isFinite(values[i])) throw new AbStatsError('non_finite_value', `${what}[${i}] is ${values[i]}`);
  }
}

function prepare(data: ArmData, name: string): Arm {
  const units = data.y.length;
  if (units < 2) throw new AbStatsError('not_enough_units', `the ${name} arm has ${units} units; at least 2 are needed`);
  requireColumn(data.y, `${name}.y`, units);
  if (data.x) requireColumn(data.x, `${name}.x`, units);
  if (!data.n) return { values: data.y, estimate: mean(data.y), x: data.x };
  requireColumn(data.n, `${name}.n`, units);
  let sy = 0;
  let sn = 0;
  for (let i = 0; i < units; i++) {
    if (data.n[i] < 0) throw new AbStatsError('invalid_argument', `${name}.n[${i}] is negative (${data.n[i]})`);
    sy += data.y[i];
    sn += data.n[i];
  }
  if (sn === 0) throw new AbStatsError('zero_denominator', `the ${name} arm's denominators sum to 0`);
  const ratio = sy / sn;
  const meanN = sn / units;
  const values = new Float64Array(units);
  for (let i = 0; i < units; i++) values[i] = (data.y[i] - ratio * data.n[i]) / meanN + ratio;
  return { values, estimate: ratio, x: data.x };
}

/** θ = cov(v, x)/var(x) over both arms pooled, and the pooled x̄; θ = 0 when x does not vary. */
function cupedTheta(c: Arm, t: Arm): { theta: number; xBar: number } {
  const total = c.values.length + t.values.length;
  const vBar = (mean(c.values) * c.values.length + mean(t.values) * t.values.length) / total;
  const xBar = (mean(c.x!) * c.values.length + mean(t.x!) * t.values.length) / total;
  let sxv = 0;
  let sxx = 0;
  for (const arm of [c, t]) {
    for (let i = 0; i < arm.values.length; i++) {
      const dx = arm.x![i] - xBar;
      sxv += dx * (arm.values[i] - vBar);
      sxx += dx * dx;
    }
  }
  return { theta: sxx > 0 ? sxv / sxx : 0, xBar };
}

function adjust(arm: Arm, theta: number, xBar: number): Arm {
  const values = arm.values.map((v, i) => v - theta * (arm.x![i] - xBar));
  return { values, estimate: arm.estimate - theta * (mean(arm.x!) - xBar) };
}

function difference(c: Arm, t: Arm, ratio: boolean, alpha: number): DifferenceEstimate {
  const [nc, nt] = [c.values.length, t.values.length];
  const [wc, wt] = [variance(c.values) / nc, variance(t.values) / nt];
  const estimate = t.estimate - c.estimate;
  const se = Math.sqrt(wc + wt);
  // Welch–Satterthwaite; when neither arm varies it is 0/0, and the difference is known exactly anyway
  const welchDf = wc + wt > 0 ? (wc + wt) ** 2 / ((wc * wc) / (nc - 1) + (wt * wt) / (nt - 1)) : nc + nt - 2;
  const df = ratio ? Infinity : welchDf;
  if (!(se > 0)) {
    return {
      estimate,
      se: 0,
      ci: [estimate, estimate],
      statistic: estimate === 0 ? 0 : Math.sign(estimate) * Infinity,
      df,
      pValue: estimate === 0 ? 1 : 0,
    };
  }
  const statistic = estimate / se;
  const critical = ratio ? normalIsf(alpha / 2) : studentTIsf(alpha / 2, df);
  const pValue = Math.min(1, 2 * (ratio ? normalSf(Math.abs(statistic)) : studentTSf(Math.abs(statistic), df)));
  return { estimate, se, ci: [estimate - critical * se, estimate + critical * se], statistic, df, pValue };
}

/** T/C − 1 with Var ≈ se_T²/C² + T²·se_C²/C⁴ (the arms independent), normal interval. */
function relativeLift(c: ArmSummary, t: ArmSummary, alpha: number): MetricComparison['relativeLift'] {
  if (c.estimate === 0) return { estimate: NaN, se: NaN, ci: [NaN, NaN] };
  const q = t.estimate / c.estimate;
  const se = Math.sqrt(t.se ** 2 + q * q * c.se ** 2) / Math.abs(c.estimate);
  const half = normalIsf(alpha / 2) * se;
  return { estimate: q - 1, se, ci: [q - 1 - half, q - 1 + half] };
}

const summary = (arm: Arm): ArmSummary => ({
  units: arm.values.length,
  estimate: arm.estimate,
  se: Math.sqrt(variance(arm.values) / arm.values.length),
});

/**
 * Mean metric (no n): Welch t on the per-unit values, equal to scipy ttest_ind(equal_var=False). Ratio metric (n
 * given): R = Σy/Σn per arm with the delta-method variance, z test. CUPED when options.cuped and x is given in both
 * arms (requested without any x, it is skipped and `cuped` is absent; with x in one arm only it throws).
 * varianceReduction = 1 − Var(adjusted difference)/Var(unadjusted difference). Arms without variation give se 0,
 * a point interval and p = 1 (equal estimates) or 0. Throws AbStatsError ('not_enough_units', 'zero_denominator', …).
 */
export function compareMetric(control: ArmData, treatment: ArmData, options: { alpha: number; cuped?: boolean }): MetricComparison {
  requireAlpha(options.alpha);
  if (!control.n !== !treatment.n) throw new AbStatsError('metric_kind_mismatch', 'a denominator n is given in one arm only');
  const ratio = control.n !== undefined;
  let c = prepare(control, 'control');
  let t = prepare(treatment, 'treatment');
  let cuped: MetricComparison['cuped'];
  if (options.cuped && (c.x || t.x)) {
    if (!c.x || !t.x) throw new AbStatsError('missing_covariate', 'CUPED needs the covariate x in both arms');
    const { theta, xBar } = cupedTheta(c, t);
    const before = variance(c.values) / c.values.length + variance(t.values) / t.values.length;
    [c, t] = [adjust(c, theta, xBar), adjust(t, theta, xBar)];
    const after = variance(c.values) / c.values.length + variance(t.values) / t.values.length;
    cuped = { theta, varianceReduction: before > 0 ? 1 - after / before : 0 };
  }
  const [cs, ts] = [summary(c), summary(t)];
  return {
    kind: ratio ? 'ratio' : 'mean',
    test: ratio ? 'z' : 'welch_t',
    control: cs,
    treatment: ts,
    difference: difference(c, t, ratio, options.alpha),
    relativeLift: relativeLift(cs, ts, options.alpha),
    ...(cuped && { cuped }),
  };
}
