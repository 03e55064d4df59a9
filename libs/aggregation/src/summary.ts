import { RunObjects, toS3Uri, type RunCounts, type RunRecord, type RunSummary } from '@assay/contracts';
import type { AggregateState } from './run-aggregates.js';

/** Assembles the run summary written to S3 and served by the API. */
export function buildSummary(run: RunRecord, counts: RunCounts, state: AggregateState, bucket: string): RunSummary {
  const finished = counts.completed + counts.failed;
  return {
    schemaVersion: 1,
    runId: run.id,
    name: run.name,
    modelVersion: run.modelVersion,
    suite: run.suite,
    labels: run.labels,
    status: run.status,
    final: run.status === 'closed' && counts.awaitingContent === 0 && finished >= counts.submitted,
    generatedAt: new Date().toISOString(),
    counts,
    failures: state.failures,
    scores: Object.fromEntries(Object.entries(state.scores).sort(([a], [b]) => a.localeCompare(b))),
    censored: Object.fromEntries(Object.entries(state.censored).sort(([a], [b]) => a.localeCompare(b))),
    passRates: state.passRates,
    nearDuplicates: state.nearDuplicates,
    resultsUri: toS3Uri({ bucket, key: RunObjects.resultsPrefix(run.id) }),
    summaryUri: toS3Uri({ bucket, key: RunObjects.summary(run.id) }),
  };
}
