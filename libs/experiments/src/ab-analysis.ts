import {
  compareMetric,
  confidenceSequence,
  mixingVariance,
  nonInferiority,
  sampleRatioMismatch,
  type ArmData,
  type MetricComparison,
  type SequentialLook,
} from '@assay/ab-stats';
import { holm } from '@assay/stats';
import type {
  ExperimentAnalysis,
  ExperimentMetric,
  ExperimentRecord,
  MetricResult,
  TimelinePoint,
  VariantComparison,
} from '@assay/contracts';
import { dayToDate } from './event-args.js';
import { measure, unitsUpTo, type Arm, type UnitTable } from './unit-table.js';

/** The mixing variance of the sequential test when the plan names no effect: a 5 % relative lift. */
const DEFAULT_RELATIVE_MDE = 0.05;
/** Looks on the timeline at most (the latest days when the experiment ran longer). */
const MAX_LOOKS = 120;

type Role = MetricResult['role'];
interface MetricSpec {
  metric: ExperimentMetric;
  role: Role;
}

export interface AnalysisInput {
  experiment: ExperimentRecord;
  table: UnitTable;
  /** covariate names sent so far (a metric's CUPED covariate that never arrived is noted, not applied) */
  covariates: readonly string[];
  events: { accepted: number; duplicates: number };
  now?: Date;
}

function metricSpecs(e: ExperimentRecord): MetricSpec[] {
  return [
    { metric: e.primaryMetric, role: 'primary' },
    ...e.secondaryMetrics.map((metric) => ({ metric, role: 'secondary' as const })),
    ...e.guardrails.map((metric) => ({ metric, role: 'guardrail' as const })),
  ];
}

function armData(arm: Arm, metric: ExperimentMetric, cuped: boolean, units = arm.rows.length): ArmData {
  const data: ArmData = { y: measure(arm, metric.numerator, units) };
  if (metric.denominator) data.n = measure(arm, metric.denominator, units);
  if (cuped && metric.covariate) {
    // a unit without a pre-period value had no pre-period activity
    const x = arm.covariates.get(metric.covariate)!.subarray(0, units);
    data.x = x.map((v) => (Number.isNaN(v) ? 0 : v));
  }
  return data;
}

const better = (m: ExperimentMetric, difference: number) => (m.direction === 'higher_is_better' ? difference > 0 : difference < 0);

/** The readout of an experiment: SRM first, then every treatment against control on every metric (docs/experiments.md). */
export function analyzeExperiment(input: AnalysisInput): ExperimentAnalysis {
  const { experiment: e, table } = input;
  const notes: string[] = [];
  const keys = e.variants.map((v) => v.key);
  const units = table.arms.map((a) => a.rows.length);
  const controlIndex = keys.indexOf(e.control);

  // no units at all: nothing to test the allocation against
  const srmResult = units.some((n) => n > 0)
    ? sampleRatioMismatch(
        units,
        e.variants.map((v) => v.weight),
      )
    : { statistic: 0, df: units.length - 1, pValue: 1, expected: units.map(() => 0) };
  const srm = {
    statistic: srmResult.statistic,
    df: srmResult.df,
    pValue: srmResult.pValue,
    threshold: e.srmAlpha,
    passed: srmResult.pValue >= e.srmAlpha,
    observed: Object.fromEntries(keys.map((k, i) => [k, units[i]])),
    expected: Object.fromEntries(keys.map((k, i) => [k, srmResult.expected[i]])),
  };
  const empty = keys.filter((_, i) => units[i] < 2);
  let status: ExperimentAnalysis['status'] = 'ok';
  let blockedReason: string | undefined;
  if (empty.length) {
    status = 'insufficient_data';
    blockedReason = `variant ${empty.join(', ')} has fewer than 2 units: nothing can be compared yet`;
  } else if (!srm.passed) {
    status = 'srm_failed';
    blockedReason =
      `sample ratio mismatch: the units per variant (${keys.map((k, i) => `${k} ${units[i]}`).join(', ')}) are unlikely under the planned ` +
      `allocation (χ² p = ${srm.pValue.toExponential(2)} < ${e.srmAlpha}). Assignment or logging is broken; find why before reading any metric.`;
  }
  if (table.crossover) notes.push(`${table.crossover} units had events in more than one variant and are left out of every metric.`);

  const cupedFor = (m: ExperimentMetric) => m.covariate !== undefined && input.covariates.includes(m.covariate);
  for (const { metric } of metricSpecs(e))
    if (metric.covariate && !cupedFor(metric))
      notes.push(`${metric.key}: covariate ${metric.covariate} was never sent, so CUPED was not applied.`);

  const comparisons: VariantComparison[] = [];
  const timelineLooks = timeline(input, controlIndex, cupedFor(e.primaryMetric));
  if (!empty.length) {
    for (let t = 0; t < keys.length; t++) {
      if (t === controlIndex) continue;
      const metrics: MetricResult[] = [];
      for (const { metric, role } of metricSpecs(e)) {
        const cuped = cupedFor(metric);
        let c: MetricComparison;
        try {
          c = compareMetric(armData(table.arms[controlIndex], metric, cuped), armData(table.arms[t], metric, cuped), {
            alpha: e.alpha,
            cuped,
          });
        } catch (err) {
          notes.push(`${keys[t]} · ${metric.key}: not computed (${(err as Error).message}).`);
          continue;
        }
        metrics.push(metricResult(e, metric, role, c, cuped, units[controlIndex] + units[t], timelineLooks.get(t)));
      }
      comparisons.push({ variant: keys[t], control: e.control, metrics, decision: 'inconclusive', reasons: [] });
    }
    adjust(e, comparisons);
    for (const c of comparisons) decide(e, c, blockedReason);
  }

  const primaryControl = comparisons[0]?.metrics.find((m) => m.role === 'primary')?.control.estimate;
  const mdeAbsolute =
    e.plan.mde?.absolute ??
    (e.plan.mde?.relative !== undefined && primaryControl !== undefined ? e.plan.mde.relative * Math.abs(primaryControl) : undefined);
  return {
    experimentId: e.id,
    name: e.name,
    unit: e.unit,
    computedAt: (input.now ?? new Date()).toISOString(),
    status,
    blockedReason,
    alpha: e.alpha,
    sequential: e.sequential,
    units: { total: units.reduce((a, b) => a + b, 0), byVariant: srm.observed, crossover: table.crossover },
    events: input.events,
    srm,
    comparisons,
    timeline: timelinePoints(input, timelineLooks),
    plan: {
      unitsPerVariant: e.plan.unitsPerVariant,
      mdeAbsolute,
      progress: e.plan.unitsPerVariant ? Math.min(...units) / e.plan.unitsPerVariant : undefined,
    },
    notes,
  };
}

function metricResult(
  e: ExperimentRecord,
  metric: ExperimentMetric,
  role: Role,
  c: MetricComparison,
  cuped: boolean,
  units: number,
  looks: Look[] | undefined,
): MetricResult {
  const result: MetricResult = {
    metric: metric.key,
    role,
    kind: c.kind,
    direction: metric.direction,
    test: c.test,
    control: c.control,
    treatment: c.treatment,
    difference: { ...c.difference, df: Number.isFinite(c.difference.df) ? c.difference.df : null },
    relativeLift: c.relativeLift,
    significant: c.difference.pValue < e.alpha,
  };
  if (cuped && c.cuped)
    result.cuped = { covariate: metric.covariate!, theta: c.cuped.theta, varianceReduction: c.cuped.varianceReduction, units };
  if (metric.nonInferiorityMargin) {
    // the one-sided bound of the two-sided (1 − α) interval
    const ni = nonInferiority(c, metric.nonInferiorityMargin, metric.direction, e.alpha / 2);
    result.nonInferiority = { absoluteMargin: ni.absoluteMargin, bound: ni.bound, pValue: ni.pValue, passed: ni.passed };
  }
  if (e.sequential) {
    const tau2 = mixingVariance(mdeFor(e, c.control.estimate));
    // the primary metric's sequence runs over every daily look; other metrics have this one look
    const history: SequentialLook[] = role === 'primary' && looks?.length ? looks.map((l) => l.difference) : [];
    const last = { estimate: c.difference.estimate, variance: c.difference.se ** 2 };
    const seq = confidenceSequence([...history.slice(0, -1), last], e.alpha, tau2).at(-1)!;
    result.sequential = { ci: seq.ci, pValue: seq.pValue, significant: seq.pValue < e.alpha };
  }
  return result;
}

/** The absolute effect the sequential test's mixing distribution is scaled to. */
function mdeFor(e: ExperimentRecord, controlEstimate: number): number {
  if (e.plan.mde?.absolute !== undefined) return e.plan.mde.absolute;
  const relative = e.plan.mde?.relative ?? DEFAULT_RELATIVE_MDE;
  return relative * Math.max(Math.abs(controlEstimate), Number.EPSILON);
}

/** Holm over the primary and secondary metrics of every treatment (guardrails are tested for non-inferiority instead). */
function adjust(e: ExperimentRecord, comparisons: VariantComparison[]): void {
  const family = comparisons.flatMap((c) => c.metrics.filter((m) => m.role !== 'guardrail'));
  const adjusted = holm(family.map((m) => m.difference.pValue));
  const sequential = e.sequential ? holm(family.map((m) => m.sequential!.pValue)) : [];
  family.forEach((m, i) => {
    m.pValueAdjusted = adjusted[i];
    m.significant = adjusted[i] < e.alpha;
    if (m.sequential) {
      m.sequential.significant = sequential[i] < e.alpha;
      m.significant = m.sequential.significant;
    }
  });
}

function decide(e: ExperimentRecord, c: VariantComparison, blockedReason: string | undefined): void {
  if (blockedReason) {
    c.decision = 'blocked';
    c.reasons = [blockedReason];
    return;
  }
  const primary = c.metrics.find((m) => m.role === 'primary');
  if (!primary) {
    c.decision = 'inconclusive';
    c.reasons = ['the primary metric could not be computed'];
    return;
  }
  const reasons: string[] = [];
  const improves = better(e.primaryMetric, primary.difference.estimate);
  const lift = `${(primary.relativeLift.estimate * 100).toFixed(2)} %`;
  if (primary.significant) reasons.push(`${primary.metric} ${improves ? 'improves' : 'degrades'} significantly (${lift})`);
  else reasons.push(`${primary.metric}: no significant difference yet (${lift})`);
  const guardrails = c.metrics.filter((m) => m.role === 'guardrail' && m.nonInferiority);
  // harmful: even the most favourable end of the interval is worse than the margin allows
  const harmful = guardrails.filter((m) => {
    const favourable = m.direction === 'higher_is_better' ? m.difference.ci[1] : -m.difference.ci[0];
    return favourable < -m.nonInferiority!.absoluteMargin;
  });
  const unproven = guardrails.filter((m) => !m.nonInferiority!.passed && !harmful.includes(m));
  for (const m of harmful) reasons.push(`guardrail ${m.metric} degrades beyond its margin (${m.nonInferiority!.absoluteMargin})`);
  for (const m of unproven)
    reasons.push(`guardrail ${m.metric} not yet shown non-inferior (bound ${m.nonInferiority!.bound.toPrecision(3)})`);
  if ((primary.significant && !improves) || harmful.length) c.decision = 'no_ship';
  else if (primary.significant && improves && unproven.length === 0) c.decision = 'ship';
  else c.decision = 'inconclusive';
  c.reasons = reasons;
}

interface Look {
  day: number;
  units: number[];
  difference: SequentialLook;
  lift: SequentialLook & { ci: [number, number] };
}

/** The primary metric of every treatment over the units first seen up to each day (cumulative cohorts). */
function timeline(input: AnalysisInput, controlIndex: number, cuped: boolean): Map<number, Look[]> {
  const { experiment: e, table } = input;
  const days = [...new Set(table.arms.flatMap((a) => [...new Set(a.days)]))].sort((a, b) => a - b).slice(-MAX_LOOKS);
  const out = new Map<number, Look[]>();
  const control = table.arms[controlIndex];
  for (let t = 0; t < table.arms.length; t++) {
    if (t === controlIndex) continue;
    const looks: Look[] = [];
    for (const day of days) {
      const nc = unitsUpTo(control, day);
      const nt = unitsUpTo(table.arms[t], day);
      if (nc < 2 || nt < 2) continue;
      try {
        const c = compareMetric(armData(control, e.primaryMetric, cuped, nc), armData(table.arms[t], e.primaryMetric, cuped, nt), {
          alpha: e.alpha,
          cuped,
        });
        if (!(c.difference.se > 0) || !(c.relativeLift.se > 0)) continue;
        looks.push({
          day,
          units: [nc, nt],
          difference: { estimate: c.difference.estimate, variance: c.difference.se ** 2 },
          lift: { estimate: c.relativeLift.estimate, variance: c.relativeLift.se ** 2, ci: c.relativeLift.ci },
        });
      } catch {
        // too little data on that day for this metric (e.g. no impressions yet): no point
      }
    }
    out.set(t, looks);
  }
  return out;
}

function timelinePoints(input: AnalysisInput, looks: Map<number, Look[]>): TimelinePoint[] {
  const { experiment: e, table } = input;
  const keys = e.variants.map((v) => v.key);
  const sequences = new Map<number, { ci: [number, number] }[]>();
  if (e.sequential) {
    const relative = e.plan.mde?.relative ?? DEFAULT_RELATIVE_MDE;
    for (const [t, l] of looks)
      sequences.set(
        t,
        confidenceSequence(
          l.map((x) => x.lift),
          e.alpha,
          mixingVariance(relative),
        ),
      );
  }
  const byDay = new Map<number, TimelinePoint>();
  for (const [t, l] of looks) {
    l.forEach((look, i) => {
      let point = byDay.get(look.day);
      if (!point) {
        point = {
          date: dayToDate(look.day),
          units: Object.fromEntries(keys.map((k, v) => [k, unitsUpTo(table.arms[v], look.day)])),
          lifts: [],
        };
        byDay.set(look.day, point);
      }
      point.lifts.push({ variant: keys[t], estimate: look.lift.estimate, ci: look.lift.ci, sequentialCi: sequences.get(t)?.[i].ci });
    });
  }
  return [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}
