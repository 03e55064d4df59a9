import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnalyticsObjects,
  AssayError,
  ComparisonObjects,
  ComparisonResult,
  ErrorCode,
  RunMetricsReport,
  RunObjects,
  type ComparisonRecord,
  type RunRef,
} from '@assay/contracts';
import { compareRuns, computeRunMetrics, runInThread, storeComparison, type AnalysisEnv, type ComparisonTask } from '@assay/analysis';
import { MetricCatalog } from '@assay/metric-catalog';
import { PolicyCatalog } from '@assay/policies';
import { RunMetricRegistry } from '@assay/run-metrics';
import { EMBEDDED_S3_CREDENTIALS } from '@assay/storage';
import { startTestS3, type TestS3 } from '../../../test/helpers/env.js';
import { closedRunRef, syntheticRecords, writeResultParts, type SyntheticRun } from '../../../test/helpers/comparison-records.js';

// The analysis as the aggregator runs it: result parts in the real S3 API (the embedded store), read back
// in stretches, compared under a built-in policy, stored; in-process and in a worker thread.
let s3: TestS3;
let env: AnalysisEnv;
const catalog = MetricCatalog.load();
const PART = 128;

/** Writes a run's records as the aggregator does: NDJSON parts keyed by their first offset. */
async function writeRun(run: SyntheticRun): Promise<RunRef> {
  const written = await writeResultParts(s3.store, 'assay', run.runId, syntheticRecords(run), PART);
  return closedRunRef(run.runId, written, run.modelVersion);
}

const record = (id: string, baseline: RunRef, candidate: RunRef): ComparisonRecord => ({
  id,
  baselineRunId: baseline.runId,
  candidateRunId: candidate.runId,
  modality: 'image',
  policy: 'image-launch',
  slices: ['skinTone'],
  seed: 1,
  resamples: 2000,
  createdAt: new Date().toISOString(),
});

let base: RunRef;
let same: RunRef;
let worse: RunRef;

beforeAll(async () => {
  s3 = await startTestS3();
  env = { store: s3.store, bucket: 'assay', registry: await RunMetricRegistry.load(), catalog, assayVersion: '0.1.0' };
  base = await writeRun({ runId: 'run_base', modelVersion: 'v1', assets: 400, seed: 21 });
  same = await writeRun({ runId: 'run_same', modelVersion: 'v2', assets: 400, seed: 22 });
  worse = await writeRun({
    runId: 'run_worse',
    modelVersion: 'v3',
    assets: 400,
    seed: 23,
    shift: -0.6,
    flaggedRate: 0.06,
    latencyMs: 1400,
  });
});
afterAll(async () => {
  await s3?.close();
});

async function task(id: string, candidate: RunRef): Promise<ComparisonTask> {
  const policy = (await PolicyCatalog.load(catalog)).get('image-launch')!;
  return { record: record(id, base, candidate), policy, baseline: base, candidate };
}

describe('compareRuns', () => {
  it('judges a worse candidate NO_GO, naming the failed criteria, and the result is reproducible across stretch counts', async () => {
    const t = await task('cmp_worse', worse);
    const result = await compareRuns(env, t, 4);
    expect(ComparisonResult.safeParse(result).success).toBe(true);
    expect(result.verdict.outcome).toBe('NO_GO');
    const failed = result.verdict.criteria.filter((c) => c.outcome === 'fail').map((c) => c.id);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.some((id) => id.startsWith('latency-generation'))).toBe(true);
    expect(result.pairing).toMatchObject({ key: 'prompt_id', pairs: 400, paired: true });
    const again = await compareRuns(env, t, 1);
    expect({ ...again, finishedAt: '' }).toEqual({ ...result, finishedAt: '' });
  });

  it('does not call a candidate drawn like the baseline NO_GO', async () => {
    const result = await compareRuns(env, await task('cmp_same', same));
    expect(result.verdict.outcome).not.toBe('NO_GO');
    expect(result.verdict.criteria.filter((c) => c.outcome === 'fail')).toEqual([]);
  });

  it('in a worker thread gives the same result, stored with its report; an error keeps its code', async () => {
    const t = await task('cmp_thread', worse);
    const input = {
      s3: { endpoint: s3.s3.endpoint, region: 'us-east-1', credentials: EMBEDDED_S3_CREDENTIALS },
      bucket: 'assay',
      assayVersion: '0.1.0',
    };
    const threaded = await runInThread<ComparisonResult>({ ...input, job: { kind: 'compare', task: t } });
    const local = await compareRuns(env, t);
    expect({ ...threaded, finishedAt: '' }).toEqual({ ...local, finishedAt: '' });
    const stored = JSON.parse(
      Buffer.from(await s3.store.get({ bucket: 'assay', key: ComparisonObjects.result('cmp_thread') })).toString('utf8'),
    );
    expect(stored.verdict.outcome).toBe('NO_GO');
    const html = Buffer.from(await s3.store.get({ bucket: 'assay', key: ComparisonObjects.report('cmp_thread') })).toString('utf8');
    expect(html).toMatch(/NO_GO|NO GO/);

    const missing = { ...t, candidate: { ...t.candidate, runId: 'run_missing' } };
    const err = await runInThread({ ...input, job: { kind: 'compare', task: missing } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssayError);
    expect((err as AssayError).code).toBe(ErrorCode.Internal);
    expect((err as AssayError).message).toMatch(/run_missing/);
  });

  it('refuses runs that share no comparable score: no_shared_scores', async () => {
    const t = await task('cmp_none', worse);
    const other = {
      ...t,
      candidate: await writeRun({
        runId: 'run_other',
        modelVersion: 'v9',
        assets: 50,
        seed: 5,
        metricVersions: { sharpness: '9.0.0', brisque: '9.0.0', aesthetic: '9.0.0', nsfw: '9.0.0' },
      }),
    };
    const err = await compareRuns(env, other).catch((e: unknown) => e);
    expect((err as AssayError).code).toBe(ErrorCode.NoSharedScores);
    expect((err as AssayError).message).toMatch(/metric_version_differs/);
  });

  it('storeComparison writes the report before the result', async () => {
    const result = await compareRuns(env, await task('cmp_store', same));
    await storeComparison(env, result, '<!doctype html><title>r</title>');
    expect(await s3.store.head({ bucket: 'assay', key: ComparisonObjects.report('cmp_store') })).toBeDefined();
    expect(await s3.store.head({ bucket: 'assay', key: ComparisonObjects.result('cmp_store') })).toBeDefined();
  });
});

describe('computeRunMetrics', () => {
  it("stores a closed run's run-level metrics: score intervals, latency quantiles, safety rates", async () => {
    const report = await computeRunMetrics(env, 'run_worse', { completed: 400, failed: 0 });
    expect(RunMetricsReport.safeParse(report).success).toBe(true);
    expect(report.records).toBe(400);
    expect(report.metrics.map((m) => m.name)).toEqual(['distribution', 'latency_quantiles', 'safety_rates', 'score_intervals']);
    const stored = JSON.parse(
      Buffer.from(await s3.store.get({ bucket: 'assay', key: RunObjects.runMetrics('run_worse') })).toString('utf8'),
    );
    expect(stored).toEqual(report);
  });

  it('in a worker thread also writes the run as Parquet, per run and in the analytics dataset', async () => {
    const job = {
      kind: 'run-metrics' as const,
      runId: 'run_same',
      counts: { completed: 400, failed: 0 },
      suite: 'image-default',
      closedAt: '2026-01-31T23:00:00Z',
    };
    const input = {
      s3: { endpoint: s3.s3.endpoint, region: 'us-east-1', credentials: EMBEDDED_S3_CREDENTIALS },
      bucket: 'assay',
      assayVersion: '0.1.0',
    };
    const report = await runInThread<RunMetricsReport>({ ...input, job });
    expect(report.records).toBe(400);
    for (const key of [
      RunObjects.resultsParquet('run_same'),
      RunObjects.scoresParquet('run_same'),
      AnalyticsObjects.results('2026-01-31', 'image-default', 'run_same'),
      AnalyticsObjects.scores('2026-01-31', 'image-default', 'run_same'),
    ])
      expect((await s3.store.head({ bucket: 'assay', key }))?.size, key).toBeGreaterThan(1000);
  });

  it('a line that is not JSON fails the run-level metrics, and the Parquet export is written all the same', async () => {
    const lines = [...syntheticRecords({ runId: 'run_torn', modelVersion: 'v', assets: 3, seed: 4 })].map((r) => JSON.stringify(r));
    await s3.store.put({ bucket: 'assay', key: RunObjects.resultsPart('run_torn', 0) }, `${lines.join('\n')}\n{"torn\n`);
    const job = {
      kind: 'run-metrics' as const,
      runId: 'run_torn',
      counts: { completed: 4, failed: 0 },
      suite: 's',
      closedAt: '2026-01-31T23:00:00Z',
    };
    const input = {
      s3: { endpoint: s3.s3.endpoint, region: 'us-east-1', credentials: EMBEDDED_S3_CREDENTIALS },
      bucket: 'assay',
      assayVersion: '0.1.0',
    };
    const err = await runInThread({ ...input, job }).catch((e: unknown) => e);
    expect((err as AssayError).code).toBe(ErrorCode.Internal);
    expect(await s3.store.head({ bucket: 'assay', key: RunObjects.runMetrics('run_torn') })).toBeUndefined();
    expect(await s3.store.head({ bucket: 'assay', key: RunObjects.resultsParquet('run_torn') })).toBeDefined();
  });
});
