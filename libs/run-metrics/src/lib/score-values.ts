import type { ResultRecord } from '@assay/contracts';
import { append } from './estimates.js';

/** One score's measured values on one side, with the offsets of their records (stream order). */
export interface Values {
  offsets: number[];
  values: number[];
}

/** Per score: values of completed records, censored ones (floors, caps) left out as in run summaries. */
export type ScoreValues = Record<string, Values>;

/** Per metric: how many records each of its versions scored. */
export type VersionCounts = Record<string, Record<string, number>>;

export function addScores(into: ScoreValues, record: ResultRecord, offset: number): void {
  if (record.status !== 'completed') return;
  for (const [key, value] of Object.entries(record.scores)) {
    if (!Number.isFinite(value) || record.censored?.[key]) continue;
    const v = (into[key] ??= { offsets: [], values: [] });
    v.offsets.push(offset);
    v.values.push(value);
  }
}

export function addVersions(into: VersionCounts, record: ResultRecord): void {
  for (const m of record.metrics) {
    if (m.status !== 'ok') continue;
    const versions = (into[m.metric] ??= {});
    versions[m.version] = (versions[m.version] ?? 0) + 1;
  }
}

/** Appends `later` (later offsets) to `into`. */
export function mergeScores(into: ScoreValues, later: ScoreValues): void {
  for (const [key, v] of Object.entries(later)) {
    const target = (into[key] ??= { offsets: [], values: [] });
    append(target.offsets, v.offsets);
    append(target.values, v.values);
  }
}

export function mergeVersions(into: VersionCounts, later: VersionCounts): void {
  for (const [metric, versions] of Object.entries(later)) {
    const target = (into[metric] ??= {});
    for (const [version, n] of Object.entries(versions)) target[version] = (target[version] ?? 0) + n;
  }
}

/** A value by offset, for pairing. */
export function byOffset(v: Values): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i < v.offsets.length; i++) map.set(v.offsets[i], v.values[i]);
  return map;
}
