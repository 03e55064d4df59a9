import { quantile } from '@assay/stats';
import type { RaterQuality, StudyAnswer, StudyItem, StudyQuality } from '@assay/contracts';
import { isGoldCorrect } from './answers.js';
import type { RaterRecord } from './study-store.js';
import { groupBy } from './group-by.js';

/** Below this many answers a fast median says little: one quick click is not a rushing rater. */
const MIN_ANSWERS_FOR_SPEED = 5;

/** The answer straight-lining is measured on: the screen side (pairwise), or the whole rating/check vector. */
function pattern(a: StudyAnswer): string {
  if ('preferred' in a.value) return a.side ?? a.value.preferred;
  return JSON.stringify('ratings' in a.value ? a.value.ratings : a.value.checks);
}

/** Each rater's gold accuracy, speed and straight-lining, and whether the study's thresholds exclude them. */
export function raterQuality(
  quality: StudyQuality,
  items: ReadonlyMap<string, StudyItem>,
  raters: readonly RaterRecord[],
  answers: readonly StudyAnswer[],
): RaterQuality[] {
  const byRater = groupBy(answers, (a) => a.raterId);
  return raters
    .map((r) => {
      const own = byRater.get(r.raterId) ?? [];
      const gold = own.filter((a) => a.gold);
      const correct = gold.filter((a) => {
        const expected = items.get(a.itemId)?.expected;
        return expected !== undefined && isGoldCorrect(expected, a.value);
      }).length;
      const goldAccuracy = gold.length ? correct / gold.length : null;
      const timed = own.filter((a) => a.source === 'app').map((a) => a.elapsedMs / 1000);
      const medianSeconds = timed.length
        ? quantile(
            timed.sort((a, b) => a - b),
            0.5,
          )
        : null;
      const regular = own.filter((a) => !a.gold);
      const counts = new Map<string, number>();
      for (const a of regular) counts.set(pattern(a), (counts.get(pattern(a)) ?? 0) + 1);
      const straightLining = regular.length ? Math.max(...counts.values()) / regular.length : null;
      const reasons: string[] = [];
      if (goldAccuracy !== null && gold.length >= quality.minGoldAnswers && goldAccuracy < quality.minGoldAccuracy)
        reasons.push(`gold accuracy ${goldAccuracy.toFixed(2)} < ${quality.minGoldAccuracy} (${correct} of ${gold.length})`);
      if (medianSeconds !== null && timed.length >= MIN_ANSWERS_FOR_SPEED && medianSeconds < quality.minMedianSeconds)
        reasons.push(`median ${medianSeconds.toFixed(2)} s per task < ${quality.minMedianSeconds} s`);
      if (straightLining !== null && regular.length >= quality.minAnswersForStraightLining && straightLining > quality.maxStraightLining)
        reasons.push(`${(straightLining * 100).toFixed(0)} % of answers identical > ${quality.maxStraightLining * 100} %`);
      return {
        raterId: r.raterId,
        name: r.name,
        answers: own.length,
        goldAnswers: gold.length,
        goldAccuracy,
        medianSeconds,
        straightLining,
        excluded: reasons.length > 0,
        reasons,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.raterId.localeCompare(b.raterId));
}
