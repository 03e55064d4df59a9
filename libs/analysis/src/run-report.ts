import { RunMetricsReport, RunObjects, type RunCounts } from '@assay/contracts';
import { computeAll } from '@assay/run-metrics';
import type { AnalysisEnv } from './compare-runs.js';
import { readRuns, READ_STRETCHES } from './read-runs.js';
import { runSettings } from './settings.js';

/**
 * The run-level metrics of one closed run (scope `run`), computed over its result stream and stored as
 * `runs/<id>/run-metrics.json`.
 */
export async function computeRunMetrics(
  env: AnalysisEnv,
  runId: string,
  counts: Pick<RunCounts, 'completed' | 'failed'>,
  stretches = READ_STRETCHES,
): Promise<RunMetricsReport> {
  const settings = runSettings();
  const metrics = env.registry.ofScope('run');
  const acc = await readRuns(env.store, env.bucket, metrics, settings, [{ side: 'run', runId, counts }], stretches);
  const results = computeAll(metrics, acc.states, { catalog: env.catalog, settings });
  // files first: a reader who finds run-metrics.json finds what it refers to
  await Promise.all(
    metrics.flatMap((m) =>
      (m.artifacts?.(acc.states.get(m.name)) ?? []).map((a) =>
        env.store.put({ bucket: env.bucket, key: RunObjects.runMetricArtifact(runId, m.name, a.name) }, a.bytes, a.contentType),
      ),
    ),
  );
  const report = RunMetricsReport.parse({
    schemaVersion: 1,
    runId,
    computedAt: new Date().toISOString(),
    assayVersion: env.assayVersion,
    records: acc.records,
    metrics: metrics.map((m) => ({ name: m.name, version: m.version, description: m.description, result: results.get(m.name)! })),
  });
  await env.store.put({ bucket: env.bucket, key: RunObjects.runMetrics(runId) }, JSON.stringify(report, null, 2), 'application/json');
  return report;
}
