import type { GoldExpectation, StudyAnswer, StudyRecord } from '@assay/contracts';
import { majoritySide, tallyPreferences } from './preference-tally.js';

/** What the raters of one item agree on, as a gold expectation, and how many of them agree (the weakest dimension's share). */
export interface Consensus {
  expected: GoldExpectation;
  agreement: number;
}

/**
 * Pairwise: the majority side (never a tie: gold needs a side), agreement = its share of raters.
 * Likert: per dimension the ratings within one point of the median (a half median, with an even count of raters,
 * gives the two ratings around it); agreement = the share of raters inside that range.
 * Binary: the majority answer per dimension (an even split has none); agreement = its share.
 * Null when some dimension has no answer or no majority.
 */
export function consensusOf(study: StudyRecord, answers: readonly StudyAnswer[]): Consensus | null {
  if (study.protocol === 'pairwise') {
    const tally = tallyPreferences(answers);
    const side = majoritySide(tally);
    return side ? { expected: { preferred: side }, agreement: tally[side] / tally.raters } : null;
  }
  const ranges: Record<string, { min: number; max: number }> = {};
  const checks: Record<string, boolean> = {};
  let agreement = 1;
  for (const { key } of study.dimensions) {
    if (study.protocol === 'likert') {
      const ratings = answers.flatMap((a) => ('ratings' in a.value && a.value.ratings[key] !== undefined ? [a.value.ratings[key]] : []));
      if (ratings.length === 0) return null;
      const m = median(ratings);
      const range = { min: Math.max(1, Math.ceil(m - 1)), max: Math.min(study.scalePoints, Math.floor(m + 1)) };
      ranges[key] = range;
      agreement = Math.min(agreement, ratings.filter((r) => r >= range.min && r <= range.max).length / ratings.length);
    } else {
      const votes = answers.flatMap((a) => ('checks' in a.value && a.value.checks[key] !== undefined ? [a.value.checks[key]] : []));
      const yes = votes.filter(Boolean).length;
      if (votes.length === 0 || yes * 2 === votes.length) return null;
      checks[key] = yes * 2 > votes.length;
      agreement = Math.min(agreement, Math.max(yes, votes.length - yes) / votes.length);
    }
  }
  return { expected: study.protocol === 'likert' ? { ratings: ranges } : { checks }, agreement };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
