import { SliceAnalysis, type ComparisonSettings, type Estimate, type ResultRecord } from '@assay/contracts';
import { createRng } from '@assay/stats';
import { z } from 'zod';
import { defineRunMetric } from '../run-metric.js';
import { binomial } from '../lib/binomial.js';
import { alphaOf, bound, mean } from '../lib/estimates.js';
import { proportion } from '../lib/proportions.js';
import { emptyOutcomes, countHits, type Outcomes } from '../lib/outcomes.js';

/** One slice (an attribute value) on one side: pass outcomes and the gated scores' values. */
interface Slice {
  assets: number;
  pass: Outcomes;
  scores: Record<string, number[]>;
}
type SideState = Record<string, Record<string, Slice>>;
interface State {
  keys: string[];
  gated: string[];
  baseline: SideState;
  candidate: SideState;
}

function addSlices(state: State, side: SideState, record: ResultRecord, offset: number): void {
  if (record.status !== 'completed') return;
  for (const key of state.keys) {
    const raw = record.attributes?.[key];
    if (raw === undefined || raw === '') continue;
    const slice = ((side[key] ??= {})[String(raw)] ??= { assets: 0, pass: emptyOutcomes(), scores: {} });
    slice.assets++;
    if (record.checks) {
      slice.pass.offsets.push(offset);
      slice.pass.hits.push(record.checks.pass ? 1 : 0);
    }
    for (const score of state.gated) {
      const v = record.scores[score];
      if (Number.isFinite(v) && !record.censored?.[score]) (slice.scores[score] ??= []).push(v);
    }
  }
}

function mergeSide(into: SideState, later: SideState): void {
  for (const [key, slices] of Object.entries(later)) {
    for (const [value, s] of Object.entries(slices)) {
      const target = ((into[key] ??= {})[value] ??= { assets: 0, pass: emptyOutcomes(), scores: {} });
      target.assets += s.assets;
      for (let i = 0; i < s.pass.offsets.length; i++) {
        target.pass.offsets.push(s.pass.offsets[i]);
        target.pass.hits.push(s.pass.hits[i]);
      }
      for (const [score, vs] of Object.entries(s.scores)) for (const v of vs) (target.scores[score] ??= []).push(v);
    }
  }
}

const sideOf = (slice: Slice | undefined, settings: ComparisonSettings) => ({
  n: slice?.assets ?? 0,
  passRate: proportion(slice?.pass, settings),
  means: Object.fromEntries(Object.entries(slice?.scores ?? {}).map(([score, vs]) => [score, mean(vs)])),
});

/**
 * The candidate's disparity across judged slices: lowest / highest pass rate and their gap, with percentile
 * intervals from a bootstrap within slices (each slice's pass count redrawn as Binomial(n, rate), which is
 * resampling its assets; the lowest and highest slices are found again in every replicate, so the interval
 * accounts for picking them).
 */
function disparity(judged: { value: string; passed: number; n: number }[], settings: ComparisonSettings): SliceAnalysis['disparity'] {
  if (judged.length < 2) return null;
  const rates = judged.map((s) => s.passed / s.n);
  const lo = rates.indexOf(Math.min(...rates));
  const hi = rates.indexOf(Math.max(...rates));
  const rng = createRng(settings.seed);
  const ratios = new Float64Array(settings.resamples);
  const gaps = new Float64Array(settings.resamples);
  for (let r = 0; r < settings.resamples; r++) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of judged) {
      const rate = binomial(rng, s.n, s.passed / s.n) / s.n;
      if (rate < min) min = rate;
      if (rate > max) max = rate;
    }
    ratios[r] = max > 0 ? min / max : 1;
    gaps[r] = max - min;
  }
  ratios.sort();
  gaps.sort();
  const pct = (xs: Float64Array, alpha: number): [number, number] => [
    xs[Math.floor((alpha / 2) * (xs.length - 1))],
    xs[Math.ceil((1 - alpha / 2) * (xs.length - 1))],
  ];
  const est = (value: number, xs: Float64Array): Estimate => ({
    value: bound(value),
    ci: pct(xs, alphaOf(settings.level)),
    method: 'slice_bootstrap',
    gateCi: pct(xs, alphaOf(settings.gateLevel)),
  });
  return {
    lowest: { value: judged[lo].value, rate: rates[lo] },
    highest: { value: judged[hi].value, rate: rates[hi] },
    ratio: est(rates[hi] > 0 ? rates[lo] / rates[hi] : 1, ratios),
    gap: est(rates[hi] - rates[lo], gaps),
  };
}

export default defineRunMetric({
  name: 'slice_disparity',
  version: '1.0.0',
  description:
    'Per attribute key to slice by: each slice’s n, pass rate and gated score means on both sides; the candidate’s disparity across ' +
    'slices with at least sliceMinN checked assets (lowest / highest pass rate and their gap) with bootstrap intervals.',
  scope: 'comparison',
  result: z.object({ slices: z.array(SliceAnalysis) }),
  init: (settings): State => ({ keys: settings.slices, gated: settings.gatedScores, baseline: {}, candidate: {} }),
  update(state, record, at) {
    if (at.side !== 'run') addSlices(state, state[at.side], record, at.offset);
  },
  merge(into, later) {
    mergeSide(into.baseline, later.baseline);
    mergeSide(into.candidate, later.candidate);
  },
  compute(state, { settings }) {
    return {
      slices: state.keys.map((key) => {
        const [b, c] = [state.baseline[key] ?? {}, state.candidate[key] ?? {}];
        const values = [...new Set([...Object.keys(b), ...Object.keys(c)])].sort();
        const slices = values.map((value) => ({
          value,
          baseline: sideOf(b[value], settings),
          candidate: sideOf(c[value], settings),
          // judged on assets with a pass outcome (a suite with thresholds); smaller slices are shown only
          judged: (c[value]?.pass.hits.length ?? 0) >= settings.sliceMinN,
        }));
        const judged = slices
          .filter((s) => s.judged)
          .map((s) => ({ value: s.value, passed: countHits(c[s.value].pass), n: c[s.value].pass.hits.length }));
        return { key, minN: settings.sliceMinN, slices, disparity: disparity(judged, settings) };
      }),
    };
  },
});
