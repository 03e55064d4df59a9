import { createHash } from 'node:crypto';
import {
  AssayError,
  ErrorCode,
  type GoldExpectation,
  type RaterAnswer,
  type StudyAnswer,
  type StudyAnswerValue,
  type StudyItem,
  type StudyRecord,
} from '@assay/contracts';

/** A number in [0, 1) fixed by its inputs: the same rater and item always get the same screen order. */
function unitHash(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('|')).digest().readUInt32BE(0) / 2 ** 32;
}

/** Pairwise: whether the item's first asset (`a`) is shown on the right to this rater (half the time, by a seeded hash). */
export const isSwapped = (study: StudyRecord, itemId: string, raterId: string) => unitHash(study.seed, itemId, raterId) < 0.5;

/** Whether the rater's next task should be gold: at the study's rate, by a hash of the rater and their answer count (not a fixed cadence). */
export const wantsGold = (study: StudyRecord, raterId: string, answered: number) =>
  study.goldItems > 0 && unitHash(study.seed, 'gold', raterId, answered) < study.goldRate;

const invalid = (message: string, path = 'answer') => new AssayError(ErrorCode.AnswerInvalid, message, [{ path, message }]);

/** The app's answer as the study keeps it: screen sides turned into the item's own order, checked against the rubric. */
export function toStudyAnswer(study: StudyRecord, item: StudyItem, raterId: string, req: RaterAnswer, now: Date): StudyAnswer {
  const base = {
    studyId: study.id,
    itemId: item.id,
    raterId,
    assignmentId: req.assignmentId,
    gold: item.gold,
    elapsedMs: req.elapsedMs,
    answeredAt: now.toISOString(),
    source: 'app' as const,
  };
  const answer = req.answer;
  if (study.protocol === 'pairwise') {
    if (!('choice' in answer)) throw invalid('a pairwise task is answered with a choice: left, right or tie');
    if (answer.choice === 'tie' && !study.allowTies) throw invalid('this study does not allow ties', 'answer.choice');
    const swapped = isSwapped(study, item.id, raterId);
    const preferred = answer.choice === 'tie' ? 'tie' : (answer.choice === 'left') !== swapped ? 'a' : 'b';
    return { ...base, value: { preferred }, swapped, side: answer.choice };
  }
  if (study.protocol === 'likert') {
    if (!('ratings' in answer)) throw invalid('a Likert task is answered with a rating per dimension');
    return { ...base, value: { ratings: checkedEntries(study, answer.ratings, (v, key) => inScale(study, v, key)) } };
  }
  if (!('checks' in answer)) throw invalid('a binary task is answered with yes or no per check');
  return { ...base, value: { checks: checkedEntries(study, answer.checks, () => undefined) } };
}

function inScale(study: StudyRecord, value: number, key: string): string | undefined {
  return value <= study.scalePoints ? undefined : `${key}: ${value} is above the scale's ${study.scalePoints} points`;
}

/** Exactly the rubric's dimensions, each value checked. */
function checkedEntries<T>(
  study: StudyRecord,
  given: Record<string, T>,
  problem: (v: T, key: string) => string | undefined,
): Record<string, T> {
  const keys = study.dimensions.map((d) => d.key);
  const missing = keys.filter((k) => !(k in given));
  if (missing.length) throw invalid(`missing ${missing.join(', ')}: every dimension needs an answer`);
  const extra = Object.keys(given).filter((k) => !keys.includes(k));
  if (extra.length) throw invalid(`no dimension ${extra.join(', ')} in this study's rubric`);
  for (const k of keys) {
    const p = problem(given[k], k);
    if (p) throw invalid(p, `answer.${k}`);
  }
  return Object.fromEntries(keys.map((k) => [k, given[k]]));
}

/** A kept answer as the app shows it again (undo): the item's order turned back into screen sides. */
export function toScreenAnswer(answer: StudyAnswer): RaterAnswer['answer'] {
  const v = answer.value;
  if ('preferred' in v) {
    if (v.preferred === 'tie') return { choice: 'tie' };
    return { choice: (v.preferred === 'a') !== (answer.swapped ?? false) ? 'left' : 'right' };
  }
  return v;
}

/** Whether an answer to a gold item is within its expected answer. */
export function isGoldCorrect(expected: GoldExpectation, value: StudyAnswerValue): boolean {
  if ('preferred' in expected) return 'preferred' in value && value.preferred === expected.preferred;
  if ('ratings' in expected)
    return 'ratings' in value && Object.entries(expected.ratings).every(([k, r]) => value.ratings[k] >= r.min && value.ratings[k] <= r.max);
  return 'checks' in value && Object.entries(expected.checks).every(([k, c]) => value.checks[k] === c);
}
