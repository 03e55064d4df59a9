import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComparisonResult, RunObjects, toS3Uri, type ResultRecord, type RunRef } from '@assay/contracts';
import {
  compareRuns,
  computeRunMetrics,
  createReferenceSet,
  foldIntoModelVersion,
  runEmbeddingSets,
  type AnalysisEnv,
} from '@assay/analysis';
import { addEmbedding, emptyMoments, frechetDistance, momentsFromBytes } from '@assay/distribution';
import type { RunRecord } from '@assay/contracts';
import { MetricCatalog } from '@assay/metric-catalog';
import { PolicyCatalog } from '@assay/policies';
import { RunMetricRegistry } from '@assay/run-metrics';
import { createRng } from '@assay/stats';
import { startTestS3, type TestS3 } from '../../../test/helpers/env.js';
import { closedRunRef, syntheticRecords, writeResultParts } from '../../../test/helpers/comparison-records.js';

// Distribution metrics as the post-close job and comparisons compute them: embedding objects in the real S3
// API (the embedded store) beside NDJSON result parts that list them, read back with the records.
const DIMS = 24;
const MODEL = { model: 'feat-net', version: '1.0.0', dims: DIMS, sha256: 'f'.repeat(64), features: 'FeatNet' };
let s3: TestS3;
let env: AnalysisEnv;
const vectorsByRun = new Map<string, Float32Array[]>();

/** A run whose every asset has an embedding drawn from N(shift, I) in DIMS dimensions, stored as the worker does. */
async function writeRun(runId: string, seed: number, shift: number, assets = 300, unwritten = -1): Promise<RunRef> {
  const rng = createRng(seed);
  const records: ResultRecord[] = [];
  const vectors: Float32Array[] = [];
  for (const r of syntheticRecords({ runId, modelVersion: runId, assets, seed })) {
    const v = Float32Array.from({ length: DIMS }, (_, j) => shift + rng.normal() * (1 + j / DIMS));
    const ref = { bucket: 'assay', key: RunObjects.embedding(runId, MODEL.model, r.assetId) };
    if (records.length !== unwritten) await s3.store.put(ref, new Uint8Array(v.buffer), 'application/octet-stream');
    records.push({ ...r, embeddings: [{ ...MODEL, uri: toS3Uri(ref) }] });
    vectors.push(v);
  }
  vectorsByRun.set(runId, vectors);
  await writeResultParts(s3.store, 'assay', runId, records, 64);
  return closedRunRef(runId, assets);
}

const fdOf = (a: Float32Array[], b: Float32Array[]) => {
  const moments = (rows: Float32Array[]) => {
    const m = emptyMoments(DIMS);
    for (const r of rows) addEmbedding(m, r);
    return m;
  };
  return frechetDistance(moments(a), moments(b)).value;
};

let base: RunRef;
let same: RunRef;
let shifted: RunRef;

beforeAll(async () => {
  s3 = await startTestS3();
  env = {
    store: s3.store,
    bucket: 'assay',
    registry: await RunMetricRegistry.load(),
    catalog: MetricCatalog.load(),
    assayVersion: '0.1.0',
  };
  base = await writeRun('run_dist_base', 1, 0);
  same = await writeRun('run_dist_same', 2, 0);
  shifted = await writeRun('run_dist_shift', 3, 0.4);
}, 120_000);
afterAll(async () => {
  await s3?.close();
});

async function compare(candidate: RunRef, stretches = 4): Promise<ComparisonResult> {
  const policy = (await PolicyCatalog.load(env.catalog)).get('image-launch')!;
  const record = {
    id: `cmp_${candidate.runId}_${stretches}`,
    baselineRunId: base.runId,
    candidateRunId: candidate.runId,
    modality: 'image' as const,
    policy: 'image-launch',
    slices: [],
    seed: 1,
    resamples: 1000,
    createdAt: new Date().toISOString(),
  };
  return compareRuns(env, { record, policy, baseline: base, candidate }, stretches);
}

describe('distribution metrics over stored embeddings', () => {
  it('a closed run: its embedding set summarized, moments and sample stored as artifacts', async () => {
    const report = await computeRunMetrics(env, base.runId, { completed: 300, failed: 0 });
    const dist = report.metrics.find((m) => m.name === 'distribution')!.result as { distribution: Record<string, unknown>[] };
    expect(dist.distribution).toHaveLength(1);
    expect(dist.distribution[0]).toMatchObject({
      model: { id: 'feat-net', version: '1.0.0', dims: DIMS, features: 'FeatNet', sha256: MODEL.sha256 },
      labels: { frechet: 'FD_FeatNet', kid: 'KID_FeatNet', cmmd: 'CMMD_FeatNet' },
      n: 300,
      sampled: 300,
      missing: 0,
    });
    const key = (f: string) => RunObjects.runMetricArtifact(base.runId, 'distribution', `${encodeURIComponent('feat-net@1.0.0')}/${f}`);
    const moments = momentsFromBytes(await s3.store.get({ bucket: 'assay', key: key('moments.f64') }));
    expect(moments.n).toBe(300);
    const sample = JSON.parse(Buffer.from(await s3.store.get({ bucket: 'assay', key: key('sample.json') })).toString('utf8')) as {
      ids: string[];
    };
    expect(sample.ids).toHaveLength(300);
    expect((await s3.store.get({ bucket: 'assay', key: key('sample.f32') })).byteLength).toBe(300 * DIMS * 4);
  });

  it('a comparison measures the candidate against the baseline: FD as computed directly, farther for a shifted model', async () => {
    const sameResult = await compare(same);
    const shiftedResult = await compare(shifted);
    expect(ComparisonResult.safeParse(shiftedResult).success).toBe(true);
    const [d] = shiftedResult.distribution;
    expect(d.labels.frechet).toBe('FD_FeatNet');
    expect(d.frechet.n).toEqual([300, 300]);
    const direct = fdOf(vectorsByRun.get(base.runId)!, vectorsByRun.get(shifted.runId)!);
    expect(Math.abs(d.frechet.value - direct) / direct).toBeLessThan(1e-9);
    expect(d.frechet.value).toBeGreaterThan(2 * sameResult.distribution[0].frechet.value);
    expect(d.kid.mean).toBeGreaterThan(sameResult.distribution[0].kid.mean);
    expect(d.prdc.coverage).toBeLessThan(sameResult.distribution[0].prdc.coverage);
    const one = await compare(shifted, 1);
    expect(Math.abs(one.distribution[0].frechet.value - d.frechet.value) / d.frechet.value).toBeLessThan(1e-9);
    expect(one.distribution[0].prdc).toEqual(d.prdc);
    expect(one.distribution[0].kid.mean).toBeCloseTo(d.kid.mean, 9);
  });

  it('an embedding object that is gone is counted, not fatal', async () => {
    const runId = 'run_dist_gone';
    await writeRun(runId, 4, 0, 40, 7);
    const report = await computeRunMetrics(env, runId, { completed: 40, failed: 0 });
    const dist = report.metrics.find((m) => m.name === 'distribution')!.result as { distribution: { n: number; missing: number }[] };
    expect(dist.distribution[0]).toMatchObject({ n: 39, missing: 1 });
  });

  it('rolling statistics per model version: each closed run folded in once, measured against every reference set', async () => {
    const report = async (runId: string) => computeRunMetrics(env, runId, { completed: 300, failed: 0 });
    const run = { id: base.runId, modelVersion: 'v-base' } as RunRecord;
    await createReferenceSet(env, { name: 'golden' }, run, await report(base.runId));
    const sameSets = runEmbeddingSets(await report(same.runId));
    const shiftSets = runEmbeddingSets(await report(shifted.runId));
    const [first] = await foldIntoModelVersion(env, same.runId, 'v-new', sameSets);
    expect(first).toMatchObject({
      modelVersion: 'v-new',
      referenceSet: 'golden',
      embeddingModel: 'feat-net@1.0.0',
      label: 'FD_FeatNet',
      n: 300,
      runs: 1,
    });
    expect(Math.abs(first.value - fdOf(vectorsByRun.get(base.runId)!, vectorsByRun.get(same.runId)!)) / first.value).toBeLessThan(1e-9);
    const [second] = await foldIntoModelVersion(env, shifted.runId, 'v-new', shiftSets);
    const both = [...vectorsByRun.get(same.runId)!, ...vectorsByRun.get(shifted.runId)!];
    expect(second).toMatchObject({ n: 600, runs: 2 });
    expect(Math.abs(second.value - fdOf(vectorsByRun.get(base.runId)!, both)) / second.value).toBeLessThan(1e-9);
    // a retried fold does not count the run twice
    const [again] = await foldIntoModelVersion(env, shifted.runId, 'v-new', shiftSets);
    expect(again).toEqual(second);
  });
});
