import { RunObjects, toS3Uri, type RunCounts, type RunRecord, type RunSummary, type ScoreStats } from '@assay/contracts';
import type { MetricCatalog } from '@assay/metric-catalog';
import type { AggregateState } from './run-aggregates.js';

const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/** A score's statistics with what the catalog says about it and the metric version that produced them. */
function described(key: string, stats: ScoreStats, catalog: MetricCatalog, versions: RunSummary['metricVersions']): ScoreStats {
  const info = catalog.score(key);
  const seen = Object.keys(versions[key.split('.')[0]] ?? {});
  return {
    ...stats,
    direction: info?.direction ?? 'none',
    ...(info?.unit ? { unit: info.unit } : {}),
    metricVersion: seen.length === 1 ? seen[0] : null,
  };
}

/** Assembles the run summary written to S3 and served by the API. */
export function buildSummary(run: RunRecord, counts: RunCounts, state: AggregateState, bucket: string, catalog: MetricCatalog): RunSummary {
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
    scores: sorted(Object.fromEntries(Object.entries(state.scores).map(([k, s]) => [k, described(k, s, catalog, state.metricVersions)]))),
    censored: sorted(state.censored),
    metricVersions: sorted(state.metricVersions),
    passRates: state.passRates,
    nearDuplicates: state.nearDuplicates,
    resultsUri: toS3Uri({ bucket, key: RunObjects.resultsPrefix(run.id) }),
    summaryUri: toS3Uri({ bucket, key: RunObjects.summary(run.id) }),
  };
}
