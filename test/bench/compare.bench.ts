/**
 * npm run bench:compare — a comparison of two closed image runs as the aggregator computes it, medians of
 * BENCH_ROUNDS: result parts written to the embedded S3 store exactly as the aggregator writes them (NDJSON,
 * 1 000 records a part), 20 scores a record with thresholds, a safety check, latencies and a slice
 * attribute; 10 000 and 100 000 assets a side, paired by prompt id.
 *  - read: both streams read and parsed in stretches, no metric (the floor any comparison pays);
 *  - compare: the whole comparison (every comparison-scope run-level metric, the image-launch policy);
 *  - ratio compare / read: what the statistics add on top of reading; peak RSS of the process after each.
 * The goal (docs/compare.md): 100 000 × 20 under 60 s on 2 cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComparisonRecord, RunRef } from '@assay/contracts';
import { compareRuns, comparisonSettings, readRuns, type AnalysisEnv } from '@assay/analysis';
import { MetricCatalog } from '@assay/metric-catalog';
import { PolicyCatalog } from '@assay/policies';
import { RunMetricRegistry } from '@assay/run-metrics';
import { EMBEDDED_S3_CREDENTIALS, S3ObjectStore, startEmbeddedS3 } from '@assay/storage';
import { BENCH_EXTRA_SCORES, closedRunRef, syntheticRecords, writeResultParts } from '../helpers/comparison-records.js';
import { cases, median, rounds, table } from './stats.js';

const ROUNDS = rounds(3);
const PART = 1000;

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-compare-'));
const s3 = await startEmbeddedS3({ directory: dir, buckets: ['assay'] });
const store = new S3ObjectStore({ endpoint: s3.endpoint, region: 'us-east-1', credentials: EMBEDDED_S3_CREDENTIALS });
const catalog = MetricCatalog.load();
const env: AnalysisEnv = { store, bucket: 'assay', registry: await RunMetricRegistry.load(), catalog, assayVersion: 'bench' };
const policy = (await PolicyCatalog.load(catalog)).get('image-launch')!;

async function writeRun(runId: string, assets: number, seed: number, shift: number): Promise<RunRef> {
  const records = syntheticRecords({ runId, modelVersion: runId, assets, seed, shift, extraScores: BENCH_EXTRA_SCORES });
  await writeResultParts(store, 'assay', runId, records, PART);
  return closedRunRef(runId, assets);
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const rows: (string | number)[][] = [];
try {
  for (const n of cases([10_000, 100_000])) {
    const baseline = await writeRun(`run_b${n}`, n, 1, 0);
    const candidate = await writeRun(`run_c${n}`, n, 2, -0.05);
    const record: ComparisonRecord = {
      id: `cmp_${n}`,
      baselineRunId: baseline.runId,
      candidateRunId: candidate.runId,
      modality: 'image',
      policy: policy.name,
      slices: ['skinTone'],
      seed: 1,
      resamples: 10_000,
      createdAt: new Date().toISOString(),
    };
    const sides = [
      { side: 'baseline' as const, runId: baseline.runId, counts: baseline },
      { side: 'candidate' as const, runId: candidate.runId, counts: candidate },
    ];
    const read: number[] = [];
    const full: number[] = [];
    let verdict = '';
    for (let i = 0; i < ROUNDS; i++) {
      let t = performance.now();
      await readRuns(store, 'assay', [], comparisonSettings(policy, record), sides);
      read.push((performance.now() - t) / 1000);
      t = performance.now();
      verdict = (await compareRuns(env, { record, policy, baseline, candidate })).verdict.outcome;
      full.push((performance.now() - t) / 1000);
    }
    const [r, f] = [median(read), median(full)];
    rows.push([
      `${n} × ${4 + BENCH_EXTRA_SCORES.length}`,
      r.toFixed(2),
      f.toFixed(2),
      (f / r).toFixed(2),
      mb(process.resourceUsage().maxRSS * 1024),
      verdict,
    ]);
  }
  console.log(`bench:compare — two runs compared under image-launch (median of ${ROUNDS}; records a side × scores)`);
  console.log(table(['assets × scores', 'read s', 'compare s', 'compare/read', 'peak RSS MB', 'verdict'], rows));
} finally {
  store.close();
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
}
