import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueName, SCORING_QUEUE_BY_MODALITY } from '@assay/contracts';
import { RunAggregates } from '@assay/aggregation';
import { ComparisonRequests, RunIntake } from '@assay/intake';
import { MetricCatalog } from '@assay/metric-catalog';
import { PolicyCatalog } from '@assay/policies';
import { QueueSet } from '@assay/queue';
import { ComparisonStore, RunStore } from '@assay/runs';
import { SuiteCatalog } from '@assay/suites';
import { beginSweepRun, SweepCatalog, SweepStore } from '@assay/sweeps';
import { createAggregatorMetrics } from '../dist/aggregator-metrics.js';
import { FailureRecorder } from '../dist/failure-record.js';
import { createSweepMetrics } from '../dist/sweeps/sweep-metrics.js';
import { SweepRunner } from '../dist/sweeps/sweep-runner.js';
import { dropPrefix, quietLogger, REDIS_URL, startTestS3, testConfig, testPrefix, type TestS3 } from '../../../test/helpers/env.js';

/**
 * The sweep runner in-process on real Redis and S3, stepped by hand: a submission step repeated after a crash
 * (its progress lost) queues and counts nothing twice, across the 500-asset batches.
 */
const prefix = testPrefix('sweep-runner');
const dir = mkdtempSync(join(tmpdir(), 'assay-sweep-runner-'));
const ASSETS = 1_100;
let s3: TestS3;
let redis: Redis;
let queues: QueueSet;
let runner: SweepRunner;
let store: SweepStore;
let runs: RunStore;
let sweeps: SweepCatalog;

beforeAll(async () => {
  s3 = await startTestS3(['assay', 'bench']);
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const config = testConfig(prefix, s3.s3.endpoint, { S3_ALLOWED_BUCKETS: 'bench' });
  writeFileSync(
    join(dir, 'big.yaml'),
    "name: big\nschedule: { cron: '0 0 1 1 *' }\nmanifest: { uri: 's3://bench/{date}.jsonl' }\nsuite: image-fast\npolicy: image-launch\n",
  );
  const catalog = MetricCatalog.load();
  const suites = await SuiteCatalog.load();
  const policies = await PolicyCatalog.load(catalog);
  sweeps = await SweepCatalog.load({ suites, policies }, { dir });
  runs = new RunStore(redis, prefix);
  const comparisons = new ComparisonStore(redis, prefix);
  queues = new QueueSet(redis, prefix);
  store = new SweepStore(redis, prefix);
  const core = { config, runs, comparisons, queues, store: s3.store, suites, policies, catalog, logger: quietLogger() };
  const registry = new Registry();
  runner = new SweepRunner({
    sweeps,
    store,
    runs,
    comparisons,
    intake: new RunIntake(core),
    comparisonRequests: new ComparisonRequests(core),
    objects: s3.store,
    bucket: 'assay',
    failures: new FailureRecorder(s3.store, 'assay', new RunAggregates(redis, prefix)),
    metrics: createSweepMetrics(registry, sweeps, store),
    aggregatorMetrics: createAggregatorMetrics(registry),
    version: 'test',
  });
});
afterAll(async () => {
  await queues?.close();
  redis?.disconnect();
  await s3?.close();
  await dropPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

describe('SweepRunner', () => {
  it('repeats a submission step cut off by a crash without queueing or counting an asset twice', async () => {
    const lines = Array.from({ length: ASSETS }, (_, i) =>
      JSON.stringify({ assetId: `a-${i}`, modality: 'image', uri: `s3://bench/img/${i}.png`, modelVersion: 'v1' }),
    );
    await s3.store.put({ bucket: 'bench', key: '2026-04-01.jsonl' }, lines.join('\n'));
    const { record } = await beginSweepRun({ store, queues }, sweeps.get('big')!, '2026-04-01', 'manual');
    // the job was added by beginSweepRun; here the runner is stepped directly
    const payload = { sweep: 'big', date: '2026-04-01', attempt: 1 };
    const log = quietLogger();

    expect(await runner.advance(payload, log)).toBe('wait');
    const after = await store.get('big', '2026-04-01');
    expect(after).toMatchObject({ state: 'scoring', submitted: ASSETS, lines: ASSETS, runId: record.runId });

    // a crash after the batches were submitted but before the progress was saved: the step runs again
    await store.save({ ...after!, state: 'submitting', submitted: 0 });
    expect(await runner.advance(payload, log)).toBe('wait');
    expect(await runs.counts(record.runId)).toMatchObject({ submitted: ASSETS, duplicates: 0, pending: ASSETS });
    expect(await queues.get(SCORING_QUEUE_BY_MODALITY.image).getJobCountByTypes('waiting')).toBe(ASSETS);
    expect((await runs.get(record.runId))?.labels).toEqual({ sweep: 'big', sweepDate: '2026-04-01' });
    expect(await queues.get(QueueName.Sweeps).getJobCountByTypes('waiting', 'delayed')).toBe(1);
  }, 60_000);
});
