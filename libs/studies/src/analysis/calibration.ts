import { kendallTauB, pairwiseAccuracy, spearman, type PairOutcome } from '@assay/human-stats';
import type { MetricCatalog } from '@assay/metric-catalog';
import type { ScoreCalibration, StudyAnswer, StudyItem, StudyRecord } from '@assay/contracts';
import { mean } from './intervals.js';
import { valuesByItem } from './ratings.js';
import { groupBy } from '../group-by.js';

/** Fewer observations than this give no estimate (a correlation of 3 points says nothing). */
const MIN_N = 5;
/** Attributes with more distinct values than this are identifiers, not slices. */
const MAX_SLICE_VALUES = 12;

type Estimate = ScoreCalibration['agreement'];

/** One human judgement of an item set against one automated score. */
interface Observation {
  item: StudyItem;
  /** Likert/binary: the item's mean; pairwise: unused */
  human: number;
  /** pairwise: the majority preference */
  preferred?: PairOutcome;
}

/** Decided pairs with the score turned so that higher is better. */
const pairsOf = (obs: readonly Observation[], score: string, sign: number) =>
  obs
    .filter((o) => o.preferred && o.preferred !== 'tie')
    .map((o) => ({
      scoreA: sign * o.item.assets[0].scores[score],
      scoreB: sign * o.item.assets[1].scores[score],
      preferred: o.preferred!,
    }));

/** A score's agreement on some observations, with the statistic it is read from; null below MIN_N. */
type Measure = { agreement: Estimate } & Pick<ScoreCalibration, 'pairwiseAccuracy' | 'spearman'>;

function pairwiseMeasure(obs: readonly Observation[], score: string, sign: number, confidence: number): Measure | null {
  const pairs = pairsOf(obs, score, sign);
  if (pairs.length < MIN_N) return null;
  const r = pairwiseAccuracy(pairs, { confidence });
  const agreement = { estimate: r.accuracy, ci: r.ci, n: r.n };
  return { agreement, pairwiseAccuracy: { ...agreement, scoreTies: r.scoreTies } };
}

/** Spearman ρ, and as the agreement ρ turned so that positive means the score agrees with the humans. */
function ratingMeasure(obs: readonly Observation[], score: string, sign: number, confidence: number): Measure | null {
  if (obs.length < MIN_N) return null;
  const r = spearman(
    obs.map((o) => o.item.assets[0].scores[score]),
    obs.map((o) => o.human),
    { confidence },
  );
  const ci: [number, number] = sign > 0 ? r.ci : [-r.ci[1], -r.ci[0]];
  return { agreement: { estimate: sign * r.estimate, ci, n: r.n }, spearman: r };
}

/** The majority of decided votes on a pairwise item; a tie when the votes are even. */
function majority(answers: readonly StudyAnswer[]): PairOutcome {
  let a = 0;
  let b = 0;
  for (const x of answers) {
    if (!('preferred' in x.value)) continue;
    if (x.value.preferred === 'a') a++;
    else if (x.value.preferred === 'b') b++;
  }
  return a > b ? 'a' : b > a ? 'b' : 'tie';
}

/**
 * Judge–human calibration: for every automated score with a better direction that the items' assets carry,
 * Spearman ρ and Kendall τ-b against the humans' item means (Likert, binary), or pairwise accuracy against
 * their majority preference (pairwise); overall, per version and per slice of each low-cardinality attribute.
 */
export function calibration(
  study: StudyRecord,
  items: ReadonlyMap<string, StudyItem>,
  answers: readonly StudyAnswer[],
  catalog: MetricCatalog,
  labels: ReadonlyMap<string, string>,
  confidence: number,
): ScoreCalibration[] {
  const scoreKeys = new Set<string>();
  for (const item of items.values())
    if (!item.gold) for (const asset of item.assets) for (const k of Object.keys(asset.scores)) scoreKeys.add(k);
  const directed = [...scoreKeys]
    .sort()
    .map((score) => ({ score, direction: catalog.score(score)?.direction }))
    .filter((s): s is { score: string; direction: 'higher' | 'lower' } => s.direction === 'higher' || s.direction === 'lower');

  const humans: { human: string; obs: Observation[] }[] =
    study.protocol === 'pairwise'
      ? [{ human: 'preference', obs: pairwiseObservations(items, answers) }]
      : study.dimensions.map((d) => ({
          human: d.key,
          obs: [...valuesByItem(answers, d.key)].map(([id, values]) => ({ item: items.get(id)!, human: mean(values) })),
        }));

  const out: ScoreCalibration[] = [];
  for (const { score, direction } of directed) {
    const sign = direction === 'higher' ? 1 : -1;
    for (const { human, obs } of humans) {
      const usable = obs.filter((o) => o.item.assets.every((a) => Number.isFinite(a.scores[score])));
      const measure = study.protocol === 'pairwise' ? pairwiseMeasure : ratingMeasure;
      const measureOf = (subset: readonly Observation[]) => measure(subset, score, sign, confidence)?.agreement ?? null;
      const overall = measure(usable, score, sign, confidence);
      if (!overall) continue;
      const entry: ScoreCalibration = {
        score,
        human,
        direction,
        measure: study.protocol === 'pairwise' ? 'pairwise_accuracy' : 'spearman',
        ...overall,
        byVersion: byVersion(study, usable, labels, measureOf),
        slices: slices(usable, measureOf),
      };
      if (study.protocol !== 'pairwise')
        entry.kendallTauB = kendallTauB(
          usable.map((o) => o.item.assets[0].scores[score]),
          usable.map((o) => o.human),
          { confidence },
        );
      out.push(entry);
    }
  }
  return out;
}

function pairwiseObservations(items: ReadonlyMap<string, StudyItem>, answers: readonly StudyAnswer[]): Observation[] {
  return [...groupBy(answers, (a) => a.itemId)].map(([id, list]) => ({ item: items.get(id)!, human: NaN, preferred: majority(list) }));
}

/** Per version: Likert/binary items belong to their asset's run; a pairwise item to its second (candidate) run. */
function byVersion(
  study: StudyRecord,
  obs: readonly Observation[],
  labels: ReadonlyMap<string, string>,
  measureOf: (subset: readonly Observation[]) => Estimate | null,
): ScoreCalibration['byVersion'] {
  const runOf = (o: Observation) => o.item.assets[o.item.assets.length - 1].runId;
  return study.runs
    .map((r) => ({ modelVersion: labels.get(r.runId)!, agreement: measureOf(obs.filter((o) => runOf(o) === r.runId)) }))
    .filter((v) => study.protocol !== 'pairwise' || v.agreement !== null);
}

function slices(obs: readonly Observation[], measureOf: (subset: readonly Observation[]) => Estimate | null): ScoreCalibration['slices'] {
  const values = new Map<string, Set<string>>();
  for (const o of obs) for (const [k, v] of Object.entries(o.item.attributes)) values.set(k, (values.get(k) ?? new Set()).add(String(v)));
  const out: ScoreCalibration['slices'] = [];
  for (const [key, set] of [...values].sort(([a], [b]) => a.localeCompare(b))) {
    if (set.size < 2 || set.size > MAX_SLICE_VALUES) continue;
    for (const value of [...set].sort()) {
      const subset = obs.filter((o) => String(o.item.attributes[key]) === value);
      out.push({ key, value, n: subset.length, agreement: measureOf(subset) });
    }
  }
  return out;
}
