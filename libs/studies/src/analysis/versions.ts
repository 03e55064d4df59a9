import type { StudyRecord } from '@assay/contracts';

/**
 * The model versions a study compares, one per run in the request's order (the first is the reference of
 * the preference ranking). Two runs of one version are told apart by their run names.
 */
export function versionLabels(study: StudyRecord): Map<string, string> {
  const counts = new Map<string, number>();
  for (const r of study.runs) counts.set(r.modelVersion, (counts.get(r.modelVersion) ?? 0) + 1);
  return new Map(study.runs.map((r) => [r.runId, counts.get(r.modelVersion)! > 1 ? `${r.modelVersion} (${r.name})` : r.modelVersion]));
}
