import { holm, mannWhitneyU, wilcoxonSignedRank } from '@assay/stats';
import type { StudyAnalysis, StudyAnswer, StudyItem, StudyRecord } from '@assay/contracts';
import { mean, meanCi } from './intervals.js';
import { groupBy } from '../group-by.js';

type LikertDimension = NonNullable<StudyAnalysis['likert']>[number];
type BinaryDimension = NonNullable<StudyAnalysis['binary']>[number];

/** itemId → the values raters gave it on one dimension (Likert ratings, or checks as 1/0). */
export function valuesByItem(answers: readonly StudyAnswer[], dimension: string): Map<string, number[]> {
  const valueOf = (a: StudyAnswer) =>
    'ratings' in a.value ? a.value.ratings[dimension] : 'checks' in a.value ? Number(a.value.checks[dimension]) : undefined;
  const rated = answers.filter((a) => {
    const v = valueOf(a);
    return v !== undefined && !Number.isNaN(v);
  });
  return groupBy(
    rated,
    (a) => a.itemId,
    (a) => valueOf(a)!,
  );
}

/** Per version (run), the items' mean values: the unit every interval and test here rests on. */
function itemMeansByRun(items: ReadonlyMap<string, StudyItem>, byItem: ReadonlyMap<string, number[]>) {
  return groupBy(
    byItem,
    ([itemId]) => items.get(itemId)!.assets[0].runId,
    ([itemId, values]) => ({ itemId, key: items.get(itemId)!.prompt ?? itemId, value: mean(values) }),
  );
}

/**
 * Likert: per dimension and version the mean rating over items with its t interval and the distribution of
 * ratings; every pair of versions tested on item means — Wilcoxon signed-rank on prompts both versions
 * have (paired), else Mann–Whitney U — with Holm's adjustment over all the tests.
 */
export function likert(
  study: StudyRecord,
  items: ReadonlyMap<string, StudyItem>,
  answers: readonly StudyAnswer[],
  labels: ReadonlyMap<string, string>,
  confidence: number,
): LikertDimension[] {
  const dims = study.dimensions.map((dim) => {
    const byItem = valuesByItem(answers, dim.key);
    const perRun = itemMeansByRun(items, byItem);
    const versions = study.runs
      .map((r) => {
        const ratings = answers
          .filter((a) => items.get(a.itemId)!.assets[0].runId === r.runId && 'ratings' in a.value)
          .map((a) => (a.value as { ratings: Record<string, number> }).ratings[dim.key]);
        const distribution = Array.from({ length: study.scalePoints }, (_, i) => ratings.filter((v) => v === i + 1).length);
        const means = (perRun.get(r.runId) ?? []).map((m) => m.value);
        return { modelVersion: labels.get(r.runId)!, mean: meanCi(means, confidence, [1, study.scalePoints]), distribution };
      })
      .filter((v) => v.mean.n > 0);
    const tests: LikertDimension['tests'] = [];
    for (let i = 0; i < study.runs.length; i++)
      for (let j = i + 1; j < study.runs.length; j++) {
        const a = perRun.get(study.runs[i].runId) ?? [];
        const b = perRun.get(study.runs[j].runId) ?? [];
        if (a.length < 2 || b.length < 2) continue;
        const bByKey = new Map(b.map((m) => [m.key, m.value]));
        const paired = a.filter((m) => bByKey.has(m.key)).map((m) => m.value - bByKey.get(m.key)!);
        const usePaired = paired.length >= 5 && paired.some((d) => d !== 0);
        const result = usePaired
          ? wilcoxonSignedRank(paired)
          : mannWhitneyU(
              a.map((m) => m.value),
              b.map((m) => m.value),
            );
        tests.push({
          a: labels.get(study.runs[i].runId)!,
          b: labels.get(study.runs[j].runId)!,
          test: usePaired ? 'wilcoxon_signed_rank' : 'mann_whitney_u',
          statistic: result.statistic,
          pValue: result.pValue,
          pAdjusted: result.pValue,
          n: usePaired ? paired.length : a.length + b.length,
        });
      }
    return { dimension: dim.key, versions, tests };
  });
  const all = dims.flatMap((d) => d.tests);
  const adjusted = holm(all.map((t) => t.pValue));
  all.forEach((t, i) => (t.pAdjusted = adjusted[i]));
  return dims;
}

/** Binary checks: per dimension and version the share of "yes" over items (each item's share of its raters), with a t interval. */
export function binary(
  study: StudyRecord,
  items: ReadonlyMap<string, StudyItem>,
  answers: readonly StudyAnswer[],
  labels: ReadonlyMap<string, string>,
  confidence: number,
): BinaryDimension[] {
  return study.dimensions.map((dim) => {
    const perRun = itemMeansByRun(items, valuesByItem(answers, dim.key));
    return {
      dimension: dim.key,
      versions: study.runs
        .filter((r) => perRun.has(r.runId))
        .map((r) => ({
          modelVersion: labels.get(r.runId)!,
          yesRate: meanCi(
            perRun.get(r.runId)!.map((m) => m.value),
            confidence,
            [0, 1],
          ),
        })),
    };
  });
}
