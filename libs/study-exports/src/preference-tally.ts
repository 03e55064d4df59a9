import type { StudyAnswer } from '@assay/contracts';

export interface PreferenceTally {
  a: number;
  b: number;
  tie: number;
  raters: number;
}

export function tallyPreferences(answers: readonly StudyAnswer[]): PreferenceTally {
  const tally: PreferenceTally = { a: 0, b: 0, tie: 0, raters: 0 };
  for (const { value } of answers) {
    if (!('preferred' in value)) continue;
    tally[value.preferred] += 1;
    tally.raters += 1;
  }
  return tally;
}

/**
 * The side most raters preferred: it needs more votes than the other side and more than "about the same",
 * otherwise the item has no majority (equal sides, or most raters saw no difference).
 */
export function majoritySide(tally: PreferenceTally): 'a' | 'b' | null {
  if (tally.a > tally.b && tally.a > tally.tie) return 'a';
  if (tally.b > tally.a && tally.b > tally.tie) return 'b';
  return null;
}
