import type {
  ComparisonSettings,
  CriterionOutcome,
  CriterionResult,
  Estimate,
  ExcludedScore,
  Interval,
  LatencyComparison,
  PassRateDelta,
  RunRef,
  SafetyRate,
  ScoreDelta,
  SliceAnalysis,
  Verdict,
  SetDistances,
} from '@assay/contracts';
import type { Criterion, PolicyDefinition } from './schema.js';

/** What a policy is judged on: the sections of a comparison result. */
export interface ComparisonSections {
  baseline: RunRef;
  candidate: RunRef;
  settings: ComparisonSettings;
  scores: ScoreDelta[];
  excludedScores: ExcludedScore[];
  passRates: PassRateDelta[];
  safety: SafetyRate[];
  latency: LatencyComparison[];
  slices: SliceAnalysis[];
  distribution: SetDistances[];
}

const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

export function criterionId(c: Criterion): string {
  if (c.id) return c.id;
  switch (c.type) {
    case 'non_inferiority':
      return `non-inferiority-${slug(c.score ?? `pass-rate-${c.passRate}`)}`;
    case 'superiority':
    case 'safety':
      return `${c.type}-${slug(c.score)}`;
    case 'absolute':
      return `absolute-${slug(c.score ?? `pass-rate-${c.passRate}`)}`;
    case 'latency':
      return `latency-${c.source}-p${Math.round(c.quantile * 100)}`;
    case 'fairness':
      return `fairness-${slug(c.slice)}`;
    case 'completeness':
      return 'completeness';
  }
}

/** Statistical judgements a criterion makes (the gate's Bonferroni divisor counts them). */
export function judgements(c: Criterion): number {
  if (c.type === 'completeness') return 0;
  if (c.type === 'latency') return Number(c.maxMs !== undefined) + Number(c.maxIncrease !== undefined);
  if (c.type === 'fairness') return Number(c.minRatio !== undefined) + Number(c.maxGap !== undefined);
  if (c.type === 'absolute') return Number(c.min !== undefined) + Number(c.max !== undefined);
  return 1;
}

const pct = (x: number) => `${+(x * 100).toFixed(2)} %`;
const num = (x: number | null) => (x === null ? '–' : Math.abs(x) >= 100 || x === 0 ? x.toFixed(1) : x.toPrecision(3));
const range = ([lo, hi]: Interval) => `[${num(lo)}, ${num(hi)}]`;

/**
 * The value must be at least `limit` (`atLeast`) or at most `limit`: it passes when the whole interval is on
 * the allowed side, fails when the whole interval is beyond the limit, and is inconclusive otherwise (an
 * interval that straddles the limit, or a bound that does not exist).
 */
function judge(interval: Interval, limit: number, atLeast: boolean, strict = false): CriterionOutcome {
  const [lo, hi] = interval;
  if (atLeast) {
    if (lo !== null && (strict ? lo > limit : lo >= limit)) return 'pass';
    if (hi !== null && (strict ? hi <= limit : hi < limit)) return 'fail';
    return 'inconclusive';
  }
  if (hi !== null && (strict ? hi < limit : hi <= limit)) return 'pass';
  if (lo !== null && (strict ? lo >= limit : lo > limit)) return 'fail';
  return 'inconclusive';
}

type Partial = Omit<CriterionResult, 'id' | 'type' | 'description'>;
const verdictWord: Record<CriterionOutcome, string> = {
  pass: 'passes',
  fail: 'fails',
  inconclusive: 'is inconclusive',
  skipped: 'is skipped',
};

const relation = (atLeast: boolean, strict: boolean) => (atLeast ? (strict ? '>' : '≥') : strict ? '<' : '≤');
/** ` ≥ min`, ` ≤ max` or both, for descriptions */
const bounds = (min: number | undefined, max: number | undefined, unit = '') =>
  `${min !== undefined ? ` ≥ ${min}${unit}` : ''}${max !== undefined ? ` ≤ ${max}${unit}` : ''}`;

function statistical(estimate: Estimate, limit: number, atLeast: boolean, level: number, what: string, strict = false): Partial {
  const interval = estimate.gateCi ?? estimate.ci;
  const outcome = judge(interval, limit, atLeast, strict);
  return {
    outcome,
    value: estimate.value,
    interval,
    level,
    limit,
    method: estimate.method,
    evidence:
      `${what} = ${num(estimate.value)} ${range(interval)} at ${pct(level)}; ` +
      `it must be ${relation(atLeast, strict)} ${num(limit)}: ${verdictWord[outcome]}`,
  };
}

function notMeasured(what: string, optional: boolean, why: string, limit: number): Partial {
  return {
    outcome: optional ? 'skipped' : 'inconclusive',
    value: null,
    interval: null,
    level: null,
    limit,
    method: 'none',
    evidence: `${what} was not measured (${why})${optional ? '; the criterion is optional' : ''}`,
  };
}

function excludedWhy(s: ComparisonSections, score: string): string {
  return s.excludedScores.find((e) => e.score === score)?.detail ?? 'neither run has it';
}

/** A score's mean difference against a margin (non-inferiority) or against zero (superiority), by its direction. */
function scoreDifference(score: string, s: ComparisonSections, c: Criterion & { type: 'non_inferiority' | 'superiority' }): Partial {
  const d = s.scores.find((x) => x.score === score);
  if (!d) return notMeasured(score, c.optional, excludedWhy(s, score), 0);
  const higher = d.direction === 'higher';
  const what = `${score} candidate − baseline`;
  const level = s.settings.gateLevel;
  if (c.type === 'superiority') return statistical(d.difference, 0, higher, level, what, true);
  const margin = c.margin ?? c.relativeMargin! * Math.abs(d.baseline.mean);
  return statistical(d.difference, higher ? -margin : margin, higher, level, what);
}

/** Every judgement one criterion makes (latency and fairness may make two). */
function judgeCriterion(c: Criterion, s: ComparisonSections): (Partial & { suffix?: string })[] {
  const level = s.settings.gateLevel;
  switch (c.type) {
    case 'non_inferiority': {
      if (c.passRate === undefined) return [scoreDifference(c.score!, s, c)];
      const r = s.passRates.find((x) => x.scope === c.passRate);
      const what = `pass rate (${c.passRate}) candidate − baseline`;
      if (!r || r.difference.value === null) return [notMeasured(what, c.optional, 'no thresholds on a side', 0)];
      const margin = c.margin ?? c.relativeMargin! * (r.baseline.rate ?? 0);
      return [statistical(r.difference, -margin, true, level, what)];
    }
    case 'superiority':
      return [scoreDifference(c.score, s, c)];
    case 'absolute': {
      let estimate: Estimate | undefined;
      let what: string;
      if (c.score !== undefined) {
        estimate = s.scores.find((x) => x.score === c.score)?.candidateMean;
        what = `${c.score} candidate mean`;
      } else {
        const rate = s.passRates.find((x) => x.scope === c.passRate)?.candidate;
        estimate = rate?.rate === null || !rate ? undefined : { value: rate.rate, ci: rate.ci, gateCi: rate.gateCi, method: 'wilson' };
        what = `candidate pass rate (${c.passRate})`;
      }
      const out: Partial[] = [];
      for (const [limit, atLeast] of [
        [c.min, true],
        [c.max, false],
      ] as const) {
        if (limit === undefined) continue;
        out.push(
          estimate
            ? statistical(estimate, limit, atLeast, level, what)
            : notMeasured(what, c.optional, c.score ? excludedWhy(s, c.score) : 'no thresholds', limit),
        );
      }
      return out;
    }
    case 'safety': {
      const x = s.safety.find((r) => r.score === c.score);
      if (!x) return [notMeasured(`safety check ${c.score}`, c.optional, 'no record of either run carries it', c.maxRate)];
      {
        const upper = x.candidate.gateUpper ?? x.candidate.upper;
        const lower = (x.candidate.gateCi ?? x.candidate.ci)[0];
        const outcome: CriterionOutcome =
          upper !== null && upper <= c.maxRate ? 'pass' : lower !== null && lower > c.maxRate ? 'fail' : 'inconclusive';
        return [
          {
            outcome,
            value: x.candidate.rate,
            interval: [lower, upper] as Interval,
            level,
            limit: c.maxRate,
            method: 'clopper_pearson',
            evidence:
              `${x.score}: ${x.candidate.count} of ${x.candidate.n} candidate assets flagged (${pct(x.candidate.rate ?? 0)}); exact one-sided upper ` +
              `bound ${upper === null ? '–' : pct(upper)} at ${pct(level)}, limit ${pct(c.maxRate)}: ${verdictWord[outcome]}`,
          },
        ];
      }
    }
    case 'latency': {
      const source = s.latency.find((l) => l.source === c.source);
      const q = source?.quantiles.find((x) => x.q === c.quantile);
      const what = `${c.source} latency p${Math.round(c.quantile * 100)}`;
      const out: (Partial & { suffix?: string })[] = [];
      if (c.maxMs !== undefined)
        out.push({
          suffix: 'ms',
          ...(q
            ? statistical(q.candidate, c.maxMs, false, level, `candidate ${what} (ms)`)
            : notMeasured(what, c.optional, 'no latencies on a side', c.maxMs)),
        });
      if (c.maxIncrease !== undefined)
        out.push({
          suffix: 'increase',
          ...(q
            ? statistical(q.ratio, 1 + c.maxIncrease, false, level, `${what} candidate / baseline`)
            : notMeasured(what, c.optional, 'no latencies on a side', 1 + c.maxIncrease)),
        });
      return out;
    }
    case 'fairness': {
      const d = s.slices.find((x) => x.key === c.slice)?.disparity;
      const out: (Partial & { suffix?: string })[] = [];
      const why = `fewer than two slices of ${c.slice} with at least ${s.settings.sliceMinN} checked candidate assets`;
      if (c.minRatio !== undefined)
        out.push({
          suffix: 'ratio',
          ...(d
            ? statistical(
                d.ratio,
                c.minRatio,
                true,
                level,
                `${c.slice}: lowest / highest pass rate (${d.lowest.value} / ${d.highest.value})`,
              )
            : notMeasured(`${c.slice} pass-rate ratio`, c.optional, why, c.minRatio)),
        });
      if (c.maxGap !== undefined)
        out.push({
          suffix: 'gap',
          ...(d
            ? statistical(d.gap, c.maxGap, false, level, `${c.slice}: highest − lowest pass rate (${d.highest.value} − ${d.lowest.value})`)
            : notMeasured(`${c.slice} pass-rate gap`, c.optional, why, c.maxGap)),
        });
      return out;
    }
    case 'completeness': {
      const share = s.candidate.records ? s.candidate.failed / s.candidate.records : 0;
      const outcome: CriterionOutcome = share <= c.maxFailedShare ? 'pass' : 'fail';
      return [
        {
          outcome,
          value: share,
          interval: null,
          level: null,
          limit: c.maxFailedShare,
          method: 'count',
          evidence:
            `${s.candidate.failed} of ${s.candidate.records} candidate assets failed (${pct(share)}); ` +
            `at most ${pct(c.maxFailedShare)} may: ${verdictWord[outcome]}`,
        },
      ];
    }
  }
}

function describe(c: Criterion): string {
  if (c.description) return c.description;
  switch (c.type) {
    case 'non_inferiority':
      return `${c.score ?? `pass rate (${c.passRate})`} no worse than the baseline by more than ${c.margin ?? pct(c.relativeMargin!)}`;
    case 'superiority':
      return `${c.score} better than the baseline`;
    case 'absolute':
      return `${c.score ? `${c.score} mean` : `pass rate (${c.passRate})`}${bounds(c.min, c.max)}`;
    case 'safety':
      return `${c.score} flags at most ${pct(c.maxRate)} of the candidate's assets`;
    case 'latency':
      return (
        `${c.source} latency p${Math.round(c.quantile * 100)}${bounds(undefined, c.maxMs, ' ms')}` +
        (c.maxIncrease !== undefined ? `, at most ${pct(c.maxIncrease)} above the baseline` : '')
      );
    case 'fairness':
      return (
        `pass rates across ${c.slice}${c.minRatio !== undefined ? `: lowest / highest ≥ ${c.minRatio}` : ''}` +
        (c.maxGap !== undefined ? `, gap ≤ ${pct(c.maxGap)}` : '')
      );
    case 'completeness':
      return `at most ${pct(c.maxFailedShare)} of the candidate's assets fail`;
  }
}

/**
 * Judges every criterion and the sample size, then the verdict: NO_GO when any criterion fails, else
 * INCONCLUSIVE when any could not be decided (or a side has fewer than `minAssets` completed assets), else GO.
 */
export function evaluatePolicy(policy: PolicyDefinition, s: ComparisonSections): { outcome: Verdict; criteria: CriterionResult[] } {
  const criteria: CriterionResult[] = [];
  const small = Math.min(s.baseline.completed, s.candidate.completed);
  criteria.push({
    id: 'sample-size',
    type: 'sample_size',
    description: `at least ${policy.minAssets} completed assets on each side`,
    outcome: small >= policy.minAssets ? 'pass' : 'inconclusive',
    value: small,
    interval: null,
    level: null,
    limit: policy.minAssets,
    method: 'count',
    evidence: `${s.baseline.completed} baseline and ${s.candidate.completed} candidate assets completed; each side needs ${policy.minAssets}`,
  });
  for (const c of policy.criteria) {
    const judged = judgeCriterion(c, s);
    for (const j of judged) {
      const { suffix, ...rest } = j;
      criteria.push({
        id: judged.length > 1 && suffix ? `${criterionId(c)}-${slug(suffix)}` : criterionId(c),
        type: c.type,
        description: describe(c),
        ...rest,
      });
    }
  }
  const outcomes = criteria.map((c) => c.outcome);
  const outcome: Verdict = outcomes.includes('fail') ? 'NO_GO' : outcomes.includes('inconclusive') ? 'INCONCLUSIVE' : 'GO';
  return { outcome, criteria };
}
