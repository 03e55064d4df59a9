import { ExcludedScore, ScoreDelta, type ComparisonSettings, type Estimate, type SideStats } from '@assay/contracts';
import {
  benjaminiHochberg,
  bootstrapMeanDifferences,
  bootstrapMeans,
  cohensDz,
  hedgesG,
  holm,
  mannWhitneyU,
  pairedTTest,
  quantile,
  wilcoxonSignedRank,
  welchTTest,
} from '@assay/stats';
import { z } from 'zod';
import { defineRunMetric, type PairIndex, type RunMetricContext } from '../run-metric.js';
import { estimate, mean, sd, sortedCopy } from '../lib/estimates.js';
import { addScores, addVersions, byOffset, mergeScores, mergeVersions, type ScoreValues, type VersionCounts } from '../lib/score-values.js';

interface State {
  baseline: ScoreValues;
  candidate: ScoreValues;
  versions: { baseline: VersionCounts; candidate: VersionCounts };
}

const sideStats = (values: ArrayLike<number>): SideStats => ({
  n: values.length,
  mean: mean(values),
  median: quantile(sortedCopy(values), 0.5),
  std: sd(values),
});

/** The one metric version that scored every value of a side, or undefined when several did. */
function versionOf(versions: VersionCounts, score: string): string | undefined {
  const seen = Object.keys(versions[score.split('.')[0]] ?? {});
  return seen.length === 1 ? seen[0] : undefined;
}

interface Column {
  score: string;
  /** paired: candidate − baseline per pair; unpaired: each side's values */
  differences?: Float64Array;
  baseline: Float64Array;
  candidate: Float64Array;
}

/** Rows of a joint bootstrap: one per asset (or pair), NaN where the asset has no value for the score. */
function rowsOf(columns: Column[], pick: (c: Column) => { offsets: number[]; values: ArrayLike<number> }, rows: number[]): Float64Array[] {
  const rowIndex = new Map(rows.map((offset, i) => [offset, i]));
  return columns.map((c) => {
    const out = new Float64Array(rows.length).fill(Number.NaN);
    const { offsets, values } = pick(c);
    for (let i = 0; i < offsets.length; i++) out[rowIndex.get(offsets[i])!] = values[i];
    return out;
  });
}

/**
 * Mean intervals for every column at both levels: one joint bootstrap (assets resampled, every score at
 * once; BCa) when the sample is at most `bootstrapMaxN`, else normal-theory intervals per score.
 */
function meanIntervals(
  settings: ComparisonSettings,
  bootstrap: (alpha: number) => { ci: readonly [number, number] | null }[],
  normal: (i: number, alpha: number) => readonly [number, number] | null,
  values: (number | null)[],
  rows: number,
  normalMethod: Estimate['method'],
): Estimate[] {
  if (rows <= settings.bootstrapMaxN) {
    const [report, gate] = [bootstrap(1 - settings.level), bootstrap(1 - settings.gateLevel)];
    return values.map((v, i) => ({
      value: v,
      ci: report[i].ci ? [report[i].ci[0], report[i].ci[1]] : [null, null],
      method: 'bca_bootstrap',
      ...(gate[i].ci ? { gateCi: [gate[i].ci[0], gate[i].ci[1]] as [number, number] } : {}),
    }));
  }
  return values.map((v, i) => estimate(v, normalMethod, (alpha) => normal(i, alpha), settings));
}

function reading(delta: number, significant: boolean, direction: ScoreDelta['direction']): ScoreDelta['reading'] {
  if (!significant || delta === 0) return 'no_detectable_difference';
  if (direction === 'none') return delta > 0 ? 'increased' : 'decreased';
  return delta > 0 === (direction === 'higher') ? 'better' : 'worse';
}

function compare(state: State, ctx: RunMetricContext): { scores: ScoreDelta[]; excludedScores: ExcludedScore[] } {
  const { settings, catalog } = ctx;
  const pairing: PairIndex | undefined = ctx.pairing;
  const paired = pairing?.summary.paired ?? false;
  const excluded: ExcludedScore[] = [];
  const columns: Column[] = [];
  const names = [...new Set([...Object.keys(state.baseline), ...Object.keys(state.candidate)])].sort();
  for (const score of names) {
    const [b, c] = [state.baseline[score], state.candidate[score]];
    if (!b || !c) {
      const side = b ? 'baseline' : 'candidate';
      excluded.push({ score, reason: `${side}_only`, detail: `only the ${side} run has values for ${score}` });
      continue;
    }
    if (!catalog.score(score)) {
      excluded.push({ score, reason: 'not_in_catalog', detail: `the metric catalog does not describe ${score}` });
      continue;
    }
    const [vb, vc] = [versionOf(state.versions.baseline, score), versionOf(state.versions.candidate, score)];
    if (!vb || !vc || vb !== vc) {
      excluded.push({
        score,
        reason: 'metric_version_differs',
        detail:
          `scored by ${score.split('.')[0]} ${vb ?? 'several versions'} (baseline) and ` +
          `${vc ?? 'several versions'} (candidate): values are not comparable`,
      });
      continue;
    }
    const column: Column = { score, baseline: Float64Array.from(b.values), candidate: Float64Array.from(c.values) };
    if (paired) {
      const cv = byOffset(c);
      const bv = byOffset(b);
      const d: number[] = [];
      for (const [bo, co] of pairing!.pairs) if (bv.has(bo) && cv.has(co)) d.push(cv.get(co)! - bv.get(bo)!);
      column.differences = Float64Array.from(d);
    }
    const n = paired ? column.differences!.length : Math.min(b.values.length, c.values.length);
    if (n < 2) {
      excluded.push({ score, reason: 'too_few_values', detail: `${n} ${paired ? 'pairs' : 'values on a side'}: at least 2 are needed` });
      continue;
    }
    columns.push(column);
  }
  if (!columns.length) return { scores: [], excludedScores: excluded };

  // differences: one joint bootstrap over pairs (paired) or over each side's assets (unpaired)
  let differences: Estimate[];
  const pairRows = paired ? [...pairing!.pairs.keys()] : [];
  if (paired) {
    const cOf = new Map(pairing!.pairs);
    const rows = rowsOf(
      columns,
      (col) => {
        const b = byOffset(state.baseline[col.score]);
        const c = byOffset(state.candidate[col.score]);
        const offsets: number[] = [];
        const values: number[] = [];
        for (const bo of pairRows) {
          const co = cOf.get(bo)!;
          if (b.has(bo) && c.has(co)) {
            offsets.push(bo);
            values.push(c.get(co)! - b.get(bo)!);
          }
        }
        return { offsets, values };
      },
      pairRows,
    );
    differences = meanIntervals(
      settings,
      (alpha) => bootstrapMeans(rows, { resamples: settings.resamples, seed: settings.seed, alpha, method: 'bca' }),
      (i, alpha) => pairedTTest(columns[i].differences!, alpha).ci,
      columns.map((c) => mean(c.differences!)),
      pairRows.length,
      'paired_t',
    );
  } else {
    const sideRows = (side: 'baseline' | 'candidate') =>
      [...new Set(columns.flatMap((c) => state[side][c.score].offsets))].sort((x, y) => x - y);
    const [bRows, cRows] = [sideRows('baseline'), sideRows('candidate')];
    const b = rowsOf(columns, (col) => state.baseline[col.score], bRows);
    const c = rowsOf(columns, (col) => state.candidate[col.score], cRows);
    differences = meanIntervals(
      settings,
      (alpha) => bootstrapMeanDifferences(b, c, { resamples: settings.resamples, seed: settings.seed, alpha, method: 'bca' }),
      (i, alpha) => welchTTest(columns[i].baseline, columns[i].candidate, alpha).ci,
      columns.map((col) => mean(col.candidate) - mean(col.baseline)),
      Math.max(bRows.length, cRows.length),
      'welch_t',
    );
  }

  // the candidate's own mean, for absolute criteria
  const cRowsAll = [...new Set(columns.flatMap((c) => state.candidate[c.score].offsets))].sort((x, y) => x - y);
  const cCols = rowsOf(columns, (col) => state.candidate[col.score], cRowsAll);
  const candidateMeans = meanIntervals(
    settings,
    (alpha) => bootstrapMeans(cCols, { resamples: settings.resamples, seed: settings.seed, alpha, method: 'bca' }),
    (i, alpha) => pairedTTest(columns[i].candidate, alpha).ci,
    columns.map((col) => mean(col.candidate)),
    cRowsAll.length,
    'paired_t',
  );

  const tests = columns.map((col) => (paired ? signedRankPValue(col.differences!) : mannWhitneyU(col.baseline, col.candidate).pValue));
  const adjusted = settings.multipleTesting === 'holm' ? holm(tests) : benjaminiHochberg(tests);
  const scores = columns.map((col, i): ScoreDelta => {
    const info = catalog.score(col.score)!;
    const delta = differences[i].value ?? 0;
    return {
      score: col.score,
      direction: info.direction,
      ...(info.unit ? { unit: info.unit } : {}),
      metricVersion: versionOf(state.versions.candidate, col.score)!,
      baseline: sideStats(col.baseline),
      candidate: sideStats(col.candidate),
      paired,
      ...(paired ? { pairs: col.differences!.length } : {}),
      difference: differences[i],
      candidateMean: candidateMeans[i],
      test: paired ? 'wilcoxon_signed_rank' : 'mann_whitney_u',
      pValue: tests[i],
      pAdjusted: adjusted[i],
      effectSize: paired
        ? { kind: 'cohens_dz', value: finiteOrNull(cohensDz(col.differences!)) }
        : { kind: 'hedges_g', value: finiteOrNull(hedgesG(col.baseline, col.candidate)) },
      reading: reading(delta, adjusted[i] < settings.alpha, info.direction),
      quantiles: { baseline: twentieths(col.baseline), candidate: twentieths(col.candidate) },
    };
  });
  return { scores, excludedScores: excluded };
}

/** quantiles at 0, 5, …, 100 % */
function twentieths(values: Float64Array): number[] {
  const sorted = sortedCopy(values);
  return Array.from({ length: 21 }, (_, i) => quantile(sorted, i / 20));
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * Every score both runs have: each side's n, mean, median and std; the difference of means with its
 * interval (paired or unpaired, bootstrap or normal theory); a rank test adjusted across the scores; an
 * effect size; and a reading by the score's direction.
 */
export default defineRunMetric({
  name: 'score_deltas',
  version: '1.0.0',
  description:
    'Per score both runs share: candidate − baseline mean difference with its interval, a rank test (Wilcoxon signed-rank paired, ' +
    'Mann–Whitney U unpaired) adjusted across scores, an effect size and a direction-aware reading.',
  scope: 'comparison',
  result: z.object({ scores: z.array(ScoreDelta), excludedScores: z.array(ExcludedScore) }),
  init: (): State => ({ baseline: {}, candidate: {}, versions: { baseline: {}, candidate: {} } }),
  update(state, record, at) {
    if (at.side === 'run') return;
    addScores(state[at.side], record, at.offset);
    addVersions(state.versions[at.side], record);
  },
  merge(into, later) {
    mergeScores(into.baseline, later.baseline);
    mergeScores(into.candidate, later.candidate);
    mergeVersions(into.versions.baseline, later.versions.baseline);
    mergeVersions(into.versions.candidate, later.versions.candidate);
  },
  compute: compare,
});

/** Identical pairs (a run compared with a rerun of itself) leave no signed ranks: nothing differs, so p = 1. */
function signedRankPValue(differences: Float64Array): number {
  return differences.every((d) => d === 0) ? 1 : wilcoxonSignedRank(differences).pValue;
}
