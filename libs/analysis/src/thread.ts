import { parentPort, workerData } from 'node:worker_threads';
import { AssayError } from '@assay/contracts';
import { MetricCatalog } from '@assay/metric-catalog';
import { exportRunParquet } from '@assay/parquet-export';
import { renderComparisonReport } from '@assay/report';
import { RunMetricRegistry } from '@assay/run-metrics';
import { S3ObjectStore } from '@assay/storage';
import type { ThreadInput, ThreadOutput } from './analysis-job.js';
import { compareRuns, storeComparison, type AnalysisEnv } from './compare-runs.js';
import { measureAgainstReference } from './reference-sets.js';
import { foldIntoModelVersion } from './rolling.js';
import { computeRunMetrics } from './run-report.js';

/** One analysis job in its own thread, so minutes of statistics never hold the aggregator's event loop. */
async function run({ s3, bucket, assayVersion, job }: ThreadInput): Promise<unknown> {
  const store = new S3ObjectStore(s3);
  try {
    const env: AnalysisEnv = { store, bucket, registry: await RunMetricRegistry.load(), catalog: MetricCatalog.load(), assayVersion };
    if (job.kind === 'run-metrics') {
      const exportParquet = () => exportRunParquet(store, bucket, { id: job.runId, suite: job.suite, closedAt: job.closedAt }, job.counts);
      // written even when the run-level metrics fail: a damaged line stops those (internal_error), not the analysts' copy
      return await computeRunMetrics(env, job.runId, job.counts).finally(exportParquet);
    }
    if (job.kind === 'fold-rolling') return await foldIntoModelVersion(env, job.runId, job.modelVersion, job.runSets);
    if (job.kind === 'distance') return await measureAgainstReference(env, job.runId, job.runSets, job.reference, job.seed);
    const result = await compareRuns(env, job.task);
    await storeComparison(env, result, renderComparisonReport({ comparison: job.task.record, result }));
    return result;
  } finally {
    store.close();
  }
}

const answer = (out: ThreadOutput) => parentPort!.postMessage(out);
run(workerData as ThreadInput).then(
  (value) => answer({ ok: true, value }),
  (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    answer({
      ok: false,
      error: { name: e.name, message: e.message, stack: e.stack, ...(e instanceof AssayError ? { code: e.code } : {}) },
    });
  },
);
