import type { StudyAnswer, StudyItem, StudyItemAsset, StudyRecord } from '@assay/contracts';

/**
 * What every export reads. `answers` must already be limited to the included raters: the study's analysis
 * decides who is excluded for low quality, and the exports trust that choice instead of judging again.
 */
export interface ExportContext {
  study: StudyRecord;
  items: readonly StudyItem[];
  answers: readonly StudyAnswer[];
  /** where a consumer of the export fetches an asset (an S3 URI, a signed URL) */
  assetUri: (a: StudyItemAsset) => string;
}

/** Each item's answers, one per rater: should a rater appear twice, the later answer stands, as it does in the study. */
export function answersByItem(answers: readonly StudyAnswer[]): Map<string, StudyAnswer[]> {
  const latest = new Map<string, StudyAnswer>();
  for (const answer of answers) {
    const key = `${answer.itemId}\u0000${answer.raterId}`;
    const earlier = latest.get(key);
    if (!earlier || earlier.answeredAt <= answer.answeredAt) latest.set(key, answer);
  }
  const byItem = new Map<string, StudyAnswer[]>();
  for (const answer of latest.values()) {
    const list = byItem.get(answer.itemId);
    if (list) list.push(answer);
    else byItem.set(answer.itemId, [answer]);
  }
  return byItem;
}
