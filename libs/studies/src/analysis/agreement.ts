import type { AgreementLevel } from '@assay/human-stats';
import { agreementReport } from '@assay/human-stats';
import type { StudyAnalysis, StudyAnswer, StudyRecord } from '@assay/contracts';

type DimensionAgreement = StudyAnalysis['agreement'][number];

/** The number each answer contributes to a dimension's reliability data (nominal codes for preferences and checks). */
function codeOf(a: StudyAnswer, dimension: string): number | undefined {
  const v = a.value;
  if ('preferred' in v) return { a: 0, b: 1, tie: 2 }[v.preferred];
  if ('ratings' in v) return v.ratings[dimension];
  return v.checks[dimension] === undefined ? undefined : Number(v.checks[dimension]);
}

/**
 * Inter-rater agreement per dimension: items × raters reliability data, α at the protocol's level (Likert
 * ordinal, and interval beside it), Fleiss' κ, percent agreement and Cohen's κ per rater pair, with
 * bootstrap intervals over items.
 */
export function agreementByDimension(
  study: StudyRecord,
  answers: readonly StudyAnswer[],
  opts: { confidence: number; resamples: number },
  warnings: string[],
): DimensionAgreement[] {
  const raters = [...new Set(answers.map((a) => a.raterId))].sort();
  const column = new Map(raters.map((r, i) => [r, i]));
  const itemIds = [...new Set(answers.map((a) => a.itemId))].sort();
  const row = new Map(itemIds.map((id, i) => [id, i]));
  const level: AgreementLevel = study.protocol === 'likert' ? 'ordinal' : 'nominal';
  const out: DimensionAgreement[] = [];
  for (const dim of study.dimensions) {
    const matrix = itemIds.map(() => raters.map((): number | null => null));
    let ratings = 0;
    for (const a of answers) {
      const code = codeOf(a, dim.key);
      if (code === undefined) continue;
      matrix[row.get(a.itemId)!][column.get(a.raterId)!] = code;
      ratings++;
    }
    const pairable = matrix.filter((r) => r.filter((v) => v !== null).length >= 2);
    if (pairable.length < 2) {
      warnings.push(`agreement on ${dim.key}: fewer than 2 items have 2 or more ratings`);
      continue;
    }
    const base = { resamples: opts.resamples, confidence: opts.confidence, seed: study.seed };
    const report = agreementReport(pairable, { ...base, level });
    out.push({
      dimension: dim.key,
      level,
      items: report.items,
      raters: report.raters,
      ratings,
      alpha: report.alpha,
      alphaInterval: level === 'ordinal' ? agreementReport(pairable, { ...base, level: 'interval' }).alpha : undefined,
      fleissKappa: report.fleissKappa,
      percentAgreement: report.percentAgreement,
      cohenPairs: report.cohenPairs.map((p) => ({ raterA: raters[p.raterA], raterB: raters[p.raterB], kappa: p.kappa, n: p.n })),
    });
  }
  return out;
}
