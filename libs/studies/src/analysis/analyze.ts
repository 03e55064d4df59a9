import type { MetricCatalog } from '@assay/metric-catalog';
import type { StudyAnalysis, StudyAnswer, StudyItem, StudyRecord } from '@assay/contracts';
import { raterQuality } from '../rater-quality.js';
import type { RaterRecord } from '../study-store.js';
import { agreementByDimension } from './agreement.js';
import { calibration } from './calibration.js';
import { preferences } from './preferences.js';
import { binary, likert } from './ratings.js';
import { versionLabels } from './versions.js';

export interface AnalysisOptions {
  confidence?: number;
  /** bootstrap resamples of the agreement intervals */
  resamples?: number;
  now?: Date;
}

/**
 * A study's analysis from its answers: rater quality first (excluded raters and gold items leave every
 * statistic after it), then agreement, the protocol's own summary and the judge–human calibration.
 */
export function analyzeStudy(
  study: StudyRecord,
  itemList: readonly StudyItem[],
  raters: readonly RaterRecord[],
  answers: readonly StudyAnswer[],
  catalog: MetricCatalog,
  opts: AnalysisOptions = {},
): StudyAnalysis {
  const confidence = opts.confidence ?? 0.95;
  const items = new Map(itemList.map((i) => [i.id, i]));
  const known = answers.filter((a) => items.has(a.itemId));
  const quality = raterQuality(study.quality, items, raters, known);
  const excluded = new Set(quality.filter((q) => q.excluded).map((q) => q.raterId));
  const kept = known.filter((a) => !a.gold && !excluded.has(a.raterId));
  const labels = versionLabels(study);
  const warnings: string[] = [];
  if (!kept.length) warnings.push('no answers to analyse yet (gold answers and excluded raters left out)');
  const analysis: StudyAnalysis = {
    studyId: study.id,
    name: study.name,
    protocol: study.protocol,
    status: study.status,
    computedAt: (opts.now ?? new Date()).toISOString(),
    confidence,
    raters: quality,
    included: {
      raters: new Set(kept.map((a) => a.raterId)).size,
      answers: kept.length,
      items: new Set(kept.map((a) => a.itemId)).size,
    },
    agreement: kept.length ? agreementByDimension(study, kept, { confidence, resamples: opts.resamples ?? 1000 }, warnings) : [],
    calibration: kept.length ? calibration(study, items, kept, catalog, labels, confidence) : [],
    warnings,
  };
  if (!kept.length) return analysis;
  if (study.protocol === 'pairwise') analysis.pairwise = preferences(study, items, kept, labels, confidence, warnings);
  if (study.protocol === 'likert') analysis.likert = likert(study, items, kept, labels, confidence);
  if (study.protocol === 'binary') analysis.binary = binary(study, items, kept, labels, confidence);
  return analysis;
}
