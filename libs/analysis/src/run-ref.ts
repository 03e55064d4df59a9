import type { Modality, RunCounts, RunRecord, RunRef } from '@assay/contracts';

/** A closed run as a comparison names it: who it is, and how many result records its stream holds. */
export function runRef(run: RunRecord, counts: Pick<RunCounts, 'completed' | 'failed'>, modality: Modality): RunRef {
  return {
    runId: run.id,
    name: run.name,
    modelVersion: run.modelVersion,
    suite: run.suite,
    modality,
    ...(run.closedAt ? { closedAt: run.closedAt } : {}),
    records: counts.completed + counts.failed,
    completed: counts.completed,
    failed: counts.failed,
  };
}
