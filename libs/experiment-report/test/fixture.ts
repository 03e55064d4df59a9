import {
  CausalAnalysis,
  ExperimentAnalysis,
  ExperimentRecord,
  type MetricResult,
  type TimelinePoint,
  type VariantComparison,
} from '@assay/contracts';

export const HOSTILE = '<script>alert(1)</script>';

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 through erf), good to ~1e-7: enough for fixture p-values. */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
const twoSided = (z: number) => 2 * (1 - phi(Math.abs(z)));
const Z = 1.959964;

interface MetricSpec {
  metric: string;
  role: MetricResult['role'];
  kind: MetricResult['kind'];
  direction?: MetricResult['direction'];
  control: number;
  treatment: number;
  /** standard error of each arm's estimate */
  se: number;
  units: [number, number];
  cuped?: { covariate: string; varianceReduction: number };
  /** a guardrail's margin, relative to control */
  marginRelative?: number;
  sequential?: boolean;
  pAdjusted?: number;
}

/** A metric result whose numbers agree with each other: CI = estimate ± 1.96 SE, p from the z statistic. */
function metricResult(s: MetricSpec): MetricResult {
  const direction = s.direction ?? 'higher_is_better';
  const diff = s.treatment - s.control;
  const se = Math.SQRT2 * s.se;
  const ci: [number, number] = [diff - Z * se, diff + Z * se];
  const pValue = twoSided(diff / se);
  const relSe = se / s.control;
  const relEst = diff / s.control;
  const significant = (s.pAdjusted ?? pValue) < 0.05;
  const result: MetricResult = {
    metric: s.metric,
    role: s.role,
    kind: s.kind,
    direction,
    test: s.kind === 'ratio' ? 'z' : 'welch_t',
    control: { units: s.units[0], estimate: s.control, se: s.se },
    treatment: { units: s.units[1], estimate: s.treatment, se: s.se },
    difference: { estimate: diff, se, ci, statistic: diff / se, df: s.units[0] + s.units[1] - 2, pValue },
    relativeLift: { estimate: relEst, se: relSe, ci: [relEst - Z * relSe, relEst + Z * relSe] },
    significant: s.role === 'guardrail' ? false : significant,
  };
  if (s.role !== 'guardrail') result.pValueAdjusted = s.pAdjusted ?? Math.min(1, pValue * 2);
  if (s.cuped) result.cuped = { ...s.cuped, theta: 0.62, units: s.units[0] + s.units[1] };
  if (s.marginRelative !== undefined) {
    const absoluteMargin = s.marginRelative * s.control;
    const bound = direction === 'higher_is_better' ? ci[0] : ci[1];
    const passed = direction === 'higher_is_better' ? bound > -absoluteMargin : bound < absoluteMargin;
    result.nonInferiority = { absoluteMargin, bound, pValue: 1 - phi((diff + absoluteMargin) / se), passed };
  }
  if (s.sequential) {
    const w = 1.7 * Z * se;
    result.sequential = { ci: [diff - w, diff + w], pValue: Math.min(1, pValue * 6), significant: diff - w > 0 || diff + w < 0 };
  }
  return result;
}

const metricSpec = (over: Partial<ExperimentRecord['primaryMetric']> & Pick<ExperimentRecord['primaryMetric'], 'key'>) => ({
  kind: 'mean' as const,
  numerator: { event: 'purchase' as const, aggregate: 'count' as const },
  direction: 'higher_is_better' as const,
  ...over,
});

/** A two-treatment, sequential experiment on hero images with CUPED, a guardrail and 14 days of data: it passes SRM. */
export function passingExperiment(): { experiment: ExperimentRecord; analysis: ExperimentAnalysis } {
  const experiment = ExperimentRecord.parse({
    id: 'exp_7f3a2c91',
    name: 'Hero images: warm palette and bold headline vs current',
    description: 'Does the generated hero image style change click-through on the landing page?',
    unit: 'user',
    variants: [
      { key: 'control', description: 'current hero images', runId: 'run_base' },
      { key: 'warm_palette', runId: 'run_warm' },
      { key: 'bold_text', runId: 'run_bold' },
    ],
    control: 'control',
    primaryMetric: metricSpec({
      key: 'ctr',
      kind: 'ratio',
      numerator: { event: 'click', aggregate: 'count' },
      denominator: { event: 'impression', aggregate: 'count' },
      covariate: 'pre_ctr',
    }),
    secondaryMetrics: [metricSpec({ key: 'purchases_per_user', covariate: 'pre_purchases' })],
    guardrails: [
      metricSpec({
        key: 'revenue_per_user',
        numerator: { event: 'purchase', aggregate: 'value' },
        nonInferiorityMargin: { relative: 0.02 },
      }),
    ],
    alpha: 0.05,
    plan: { unitsPerVariant: 25_000, mde: { relative: 0.03 } },
    sequential: true,
    status: 'running',
    createdAt: '2025-03-01T09:00:00Z',
  });
  const units = { control: 20_112, warm_palette: 19_987, bold_text: 20_051 };
  const total = units.control + units.warm_palette + units.bold_text;
  const expected = { control: total / 3, warm_palette: total / 3, bold_text: total / 3 };
  const chi2 = Object.entries(units).reduce((s, [k, o]) => s + (o - expected[k as keyof typeof units]) ** 2 / (total / 3), 0);

  const warm = [
    metricResult({
      metric: 'ctr',
      role: 'primary',
      kind: 'ratio',
      control: 0.0412,
      treatment: 0.0431,
      se: 0.00045,
      units: [units.control, units.warm_palette],
      cuped: { covariate: 'pre_ctr', varianceReduction: 0.31 },
      sequential: true,
      pAdjusted: 0.0008,
    }),
    metricResult({
      metric: 'purchases_per_user',
      role: 'secondary',
      kind: 'mean',
      control: 0.182,
      treatment: 0.1865,
      se: 0.0031,
      units: [units.control, units.warm_palette],
      cuped: { covariate: 'pre_purchases', varianceReduction: 0.22 },
      sequential: true,
      pAdjusted: 0.61,
    }),
    metricResult({
      metric: 'revenue_per_user',
      role: 'guardrail',
      kind: 'mean',
      control: 7.84,
      treatment: 7.91,
      se: 0.071,
      units: [units.control, units.warm_palette],
      marginRelative: 0.02,
      sequential: true,
    }),
  ];
  const bold = [
    metricResult({
      metric: 'ctr',
      role: 'primary',
      kind: 'ratio',
      control: 0.0412,
      treatment: 0.0409,
      se: 0.00045,
      units: [units.control, units.bold_text],
      cuped: { covariate: 'pre_ctr', varianceReduction: 0.3 },
      sequential: true,
      pAdjusted: 1,
    }),
    metricResult({
      metric: 'purchases_per_user',
      role: 'secondary',
      kind: 'mean',
      control: 0.182,
      treatment: 0.1791,
      se: 0.0031,
      units: [units.control, units.bold_text],
      cuped: { covariate: 'pre_purchases', varianceReduction: 0.21 },
      sequential: true,
      pAdjusted: 1,
    }),
    metricResult({
      metric: 'revenue_per_user',
      role: 'guardrail',
      kind: 'mean',
      control: 7.84,
      treatment: 7.62,
      se: 0.071,
      units: [units.control, units.bold_text],
      marginRelative: 0.02,
      sequential: true,
    }),
  ];
  const comparisons: VariantComparison[] = [
    {
      variant: 'warm_palette',
      control: 'control',
      metrics: warm,
      decision: 'ship',
      reasons: ['ctr +4.6 % [+1.5 %, +7.7 %], significant after Holm (p 0.0008)', 'revenue_per_user holds its 2 % non-inferiority margin'],
    },
    {
      variant: 'bold_text',
      control: 'control',
      metrics: bold,
      decision: 'no_ship',
      reasons: ['ctr shows no detectable difference', 'guardrail revenue_per_user failed: −2.8 % is beyond its 2 % margin'],
    },
  ];
  const final = { warm_palette: warm[0].relativeLift, bold_text: bold[0].relativeLift };
  const timeline: TimelinePoint[] = Array.from({ length: 14 }, (_, d) => {
    const share = (d + 1) / 14;
    const date = new Date(Date.UTC(2025, 2, 1 + d)).toISOString().slice(0, 10);
    const lifts = (['warm_palette', 'bold_text'] as const).map((variant, k) => {
      const f = final[variant];
      const wobble = (k === 0 ? 0.012 : -0.01) * Math.cos(d * 0.9) * (1 - share);
      const estimate = f.estimate + wobble;
      const se = f.se / Math.sqrt(share);
      return {
        variant,
        estimate,
        ci: [estimate - Z * se, estimate + Z * se] as [number, number],
        sequentialCi: [estimate - 1.7 * Z * se, estimate + 1.7 * Z * se] as [number, number],
      };
    });
    return {
      date,
      units: {
        control: Math.round(units.control * share),
        warm_palette: Math.round(units.warm_palette * share),
        bold_text: Math.round(units.bold_text * share),
      },
      lifts,
    };
  });
  const analysis = ExperimentAnalysis.parse({
    experimentId: experiment.id,
    name: experiment.name,
    unit: 'user',
    computedAt: '2025-03-15T06:00:00Z',
    status: 'ok',
    alpha: 0.05,
    sequential: true,
    units: { total, byVariant: units, crossover: 41 },
    events: { accepted: 1_284_330, duplicates: 1_207 },
    srm: { statistic: chi2, df: 2, pValue: Math.exp(-chi2 / 2), threshold: 0.001, passed: true, observed: units, expected },
    comparisons,
    timeline,
    plan: { unitsPerVariant: 25_000, mdeAbsolute: 0.0012, progress: units.warm_palette / 25_000 },
    notes: [
      '41 users saw more than one variant and are left out of every metric.',
      'CUPED adjusts ctr by pre_ctr and purchases_per_user by pre_purchases.',
    ],
  });
  return { experiment, analysis };
}

/** A two-variant, fixed-horizon experiment whose split is far from 50/50: SRM fails and the readout is blocked. */
export function srmFailedExperiment(): { experiment: ExperimentRecord; analysis: ExperimentAnalysis } {
  const experiment = ExperimentRecord.parse({
    id: 'exp_srm_0042',
    name: `Thumbnail crop ${HOSTILE} "quotes" & 'apostrophes'`,
    unit: 'session',
    variants: [{ key: 'control' }, { key: 'tight_crop' }],
    control: 'control',
    primaryMetric: metricSpec({
      key: 'ctr',
      kind: 'ratio',
      numerator: { event: 'click', aggregate: 'count' },
      denominator: { event: 'impression', aggregate: 'count' },
    }),
    status: 'stopped',
    createdAt: '2025-02-10T09:00:00Z',
    stoppedAt: '2025-02-17T09:00:00Z',
    plan: { unitsPerVariant: 12_000 },
  });
  const units = { control: 10_000, tight_crop: 9_400 };
  const e = (units.control + units.tight_crop) / 2;
  const chi2 = ((units.control - e) ** 2 + (units.tight_crop - e) ** 2) / e;
  const metrics = [
    metricResult({
      metric: 'ctr',
      role: 'primary',
      kind: 'ratio',
      control: 0.038,
      treatment: 0.0402,
      se: 0.0006,
      units: [units.control, units.tight_crop],
      pAdjusted: 0.0095,
    }),
  ];
  const timeline: TimelinePoint[] = Array.from({ length: 7 }, (_, d) => {
    const share = (d + 1) / 7;
    const est = metrics[0].relativeLift.estimate;
    const se = metrics[0].relativeLift.se / Math.sqrt(share);
    return {
      date: new Date(Date.UTC(2025, 1, 10 + d)).toISOString().slice(0, 10),
      units: { control: Math.round(units.control * share), tight_crop: Math.round(units.tight_crop * share) },
      lifts: [{ variant: 'tight_crop', estimate: est, ci: [est - Z * se, est + Z * se] }],
    };
  });
  const analysis = ExperimentAnalysis.parse({
    experimentId: experiment.id,
    name: experiment.name,
    unit: 'session',
    computedAt: '2025-02-17T10:00:00Z',
    status: 'srm_failed',
    blockedReason:
      `Sample ratio mismatch: χ² = ${chi2.toFixed(1)}, p < 0.001 below the 0.001 threshold; ` +
      `tight_crop has 6 % fewer sessions than control. ${HOSTILE}`,
    alpha: 0.05,
    sequential: false,
    units: { total: units.control + units.tight_crop, byVariant: units, crossover: 0 },
    events: { accepted: 402_113, duplicates: 0 },
    srm: {
      statistic: chi2,
      df: 1,
      pValue: twoSided(Math.sqrt(chi2)),
      threshold: 0.001,
      passed: false,
      observed: units,
      expected: { control: e, tight_crop: e },
    },
    comparisons: [
      {
        variant: 'tight_crop',
        control: 'control',
        metrics,
        decision: 'blocked',
        reasons: ['the SRM check failed: no decision until the assignment is fixed'],
      },
    ],
    timeline,
    plan: { unitsPerVariant: 12_000, progress: units.tight_crop / 12_000 },
    notes: [`A note with markup that must stay text: ${HOSTILE}`],
  });
  return { experiment, analysis };
}

/** The observational analysis: does unexpected text in an image lower its click-through? */
export function causalAnalysis(experimentId: string): CausalAnalysis {
  const edges = Array.from({ length: 21 }, (_, i) => i / 20);
  const treated = [0, 1, 2, 4, 7, 11, 16, 22, 27, 31, 34, 33, 30, 26, 21, 15, 10, 6, 3, 1];
  const control = [2, 8, 19, 33, 46, 55, 58, 55, 48, 39, 30, 22, 15, 10, 6, 3, 2, 1, 0, 0];
  const est = (estimate: number, se: number) => ({
    estimate,
    se,
    ci: [estimate - Z * se, estimate + Z * se] as [number, number],
    pValue: twoSided(estimate / se),
  });
  return CausalAnalysis.parse({
    experimentId,
    computedAt: '2025-03-15T06:05:00Z',
    request: {
      treatment: { score: 'text.unexpected_text', above: 0.5 },
      outcome: { numerator: 'click', denominator: 'impression' },
      confounders: ['aesthetic.score', 'category', 'has_person'],
      cluster: 'category',
      minExposures: 20,
      trim: [0.05, 0.95],
      alpha: 0.05,
    },
    assets: { joined: 1_041, treated: 301, control: 703, excluded: { too_few_exposures: 64, no_result: 12, missing_confounder: 0 } },
    outcomeMean: 0.0418,
    naive: est(-0.0061, 0.0011),
    regression: { ...est(-0.0042, 0.0012), covType: 'cluster' },
    ipw: est(-0.0038, 0.0014),
    aipw: est(-0.004, 0.0012),
    propensity: { coef: { intercept: -1.2, 'aesthetic.score': -0.8, has_person: 0.4 }, converged: true },
    overlap: {
      edges,
      treated: { bins: treated, min: 0.07, max: 0.97 },
      control: { bins: control, min: 0.01, max: 0.88 },
      trimmed: 37,
      trimBounds: [0.05, 0.95],
    },
    balance: [
      { covariate: 'aesthetic_score', smdBefore: -0.42, smdAfter: -0.04 },
      { covariate: 'category_apparel', smdBefore: 0.31, smdAfter: 0.06 },
      { covariate: 'category_home', smdBefore: -0.18, smdAfter: 0.02 },
      { covariate: 'has_person', smdBefore: 0.12, smdAfter: 0.13 },
      { covariate: `resolution ${HOSTILE}`, smdBefore: 0.05, smdAfter: 0.01 },
    ],
    eValue: { point: 1.38, ciBound: 1.19 },
    assumptions:
      'These are observational estimates: they assume no unmeasured confounding given aesthetic.score, category and has_person, ' +
      'overlap of treated and control assets, and correctly specified propensity and outcome models.',
  });
}
