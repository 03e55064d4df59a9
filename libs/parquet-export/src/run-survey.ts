import type { ResultRecord } from '@assay/contracts';
import { finite, list, readRecord, scoreEntries } from './record-reading.js';

/** What the first pass over a run learns: the column set (the union over its records) and the bad input. */
export interface RunSurvey {
  /** score keys (`metric.score`, video `metric.score.stat`), sorted */
  scores: string[];
  /** thresholded score keys (passed, failed or skipped on some asset), sorted */
  checks: string[];
  /** lines that are not a JSON record: left out of both tables */
  unreadableRecords: number;
  /** score values that are not finite numbers: written as NULL */
  nonFiniteScores: number;
}

export async function surveyRun(lines: AsyncIterable<{ line: string }>): Promise<RunSurvey> {
  const scores = new Set<string>();
  const checks = new Set<string>();
  let unreadableRecords = 0;
  let nonFiniteScores = 0;
  for await (const { line } of lines) {
    const record = readRecord(line);
    if (!record) {
      unreadableRecords++;
      continue;
    }
    for (const [key, value] of scoreEntries(record)) {
      scores.add(key);
      if (finite(value) === null) nonFiniteScores++;
    }
    for (const key of checkedScores(record)) checks.add(key);
  }
  return { scores: [...scores].sort(), checks: [...checks].sort(), unreadableRecords, nonFiniteScores };
}

/** The scores the suite's thresholds looked at on this asset, whatever the outcome. */
export function checkedScores(record: ResultRecord): string[] {
  const c = record.checks;
  return [...list(c?.passed), ...list(c?.failures).map((f) => f?.score), ...list(c?.skipped)].filter((k) => typeof k === 'string');
}
