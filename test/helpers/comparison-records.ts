import { RunObjects, type ResultRecord, type RunRef } from '@assay/contracts';
import type { ObjectStore } from '@assay/storage';
import { resultRecord } from './records.js';

/**
 * Result records of an image run shaped like the ones workers write (scores, metric versions, threshold
 * checks with a safety check, latencies, a slice attribute), drawn from a seeded generator, for comparison
 * tests and the comparison benchmark. Each asset has a latent quality per prompt, so the two runs of a
 * comparison are correlated by prompt as real model versions are.
 */
export interface SyntheticRun {
  runId: string;
  modelVersion: string;
  assets: number;
  seed: number;
  /** added to every asset's latent quality (in standard deviations): < 0 makes a worse model */
  shift?: number;
  /** share of assets the nsfw safety check flags */
  flaggedRate?: number;
  /** median generation latency in ms (log-normal around it) */
  latencyMs?: number;
  /** per slice value of `attributes.skinTone`, a pass-probability penalty */
  slicePenalty?: Record<string, number>;
  /** metric → version (default 1.0.0) */
  metricVersions?: Record<string, string>;
  /** more score columns (catalog keys, `metric.score`), for the benchmark's width */
  extraScores?: string[];
}

/** mulberry32: small, seeded, good enough for test data */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SLICES = ['I', 'II', 'III', 'IV', 'V', 'VI'];

export function* syntheticRecords(run: SyntheticRun): Generator<ResultRecord> {
  const next = rng(run.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  // the prompt's own difficulty is shared by both runs (same seed for the same prompt index)
  const promptLatent = (i: number) => {
    const r = rng(1_000_003 * (i + 1));
    return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  };
  for (let i = 0; i < run.assets; i++) {
    const quality = 0.8 * promptLatent(i) + 0.6 * gauss() + (run.shift ?? 0);
    const skinTone = SLICES[i % SLICES.length];
    const sharpness = Math.exp(6.5 + 0.5 * quality + 0.2 * gauss());
    const brisque = Math.max(0, 30 - 8 * quality + 4 * gauss());
    const aesthetic = 5 + 0.7 * quality + 0.3 * gauss();
    const nsfw = next() < (run.flaggedRate ?? 0.01) ? 0.9 : 0.02 * next();
    const scores: Record<string, number> = {
      'sharpness.laplacian_variance': sharpness,
      'brisque.score': brisque,
      'aesthetic.score': aesthetic,
      'nsfw.porn': nsfw,
    };
    for (const key of run.extraScores ?? []) scores[key] ??= quality + gauss();
    const passPenalty = run.slicePenalty?.[skinTone] ?? 0;
    const sharpOk = sharpness >= 400 && next() >= passPenalty;
    const failures = [
      ...(sharpOk ? [] : [{ score: 'sharpness.laplacian_variance', value: sharpness, min: 400 }]),
      ...(nsfw < 0.5 ? [] : [{ score: 'nsfw.porn', value: nsfw, max: 0.5 }]),
    ];
    const passed = ['sharpness.laplacian_variance', 'nsfw.porn'].filter((s) => !failures.some((f) => f.score === s));
    const latency = (run.latencyMs ?? 800) * Math.exp(0.35 * gauss());
    yield resultRecord(run.runId, `a${i}`, {
      modelVersion: run.modelVersion,
      scores,
      metrics: [...new Set(Object.keys(scores).map((k) => k.split('.')[0]))].map((metric) => ({
        metric,
        version: run.metricVersions?.[metric] ?? '1.0.0',
        status: 'ok' as const,
        durationMs: 5,
      })),
      checks: { pass: failures.length === 0, passed, failures, skipped: [], safety: ['nsfw.porn'] },
      prompt: `prompt ${i}`,
      attributes: { promptId: `p${i}`, skinTone, generationLatencyMs: Math.round(latency) },
      timings: { queueMs: 1, fetchMs: 2, decodeMs: 3, metricsMs: 20, inferenceMs: 10, totalMs: 36 + next() * 10 },
    });
  }
}

/** 16 more catalog score keys (20 a record with the generator's own four): the benchmarks' width. */
export const BENCH_EXTRA_SCORES = [
  'blockiness.ratio',
  'clip_score.clip_score',
  'exposure.highlight_clip_ratio',
  'exposure.shadow_clip_ratio',
  'niqe.score',
  'noise.sigma',
  'nsfw.nsfw_score',
  'product_photo.background_uniformity',
  'product_photo.background_distance',
  'reward.score',
  'text.unexpected_text',
  'text.unexpected_area_ratio',
  'text_detection.region_count',
  'text_detection.area_ratio',
  'vlm_judge.score',
  'psnr.psnr',
];

/**
 * Writes records as the aggregator does: NDJSON parts of `partSize` keyed by the offset of their first record,
 * holding one part in memory at a time. Returns how many records were written.
 */
export async function writeResultParts(
  store: ObjectStore,
  bucket: string,
  runId: string,
  records: Iterable<ResultRecord>,
  partSize: number,
): Promise<number> {
  let lines: string[] = [];
  let start = 0;
  const flush = async () => {
    if (!lines.length) return;
    await store.put({ bucket, key: RunObjects.resultsPart(runId, start) }, `${lines.join('\n')}\n`);
    start += lines.length;
    lines = [];
  };
  for (const r of records) {
    lines.push(JSON.stringify(r));
    if (lines.length === partSize) await flush();
  }
  await flush();
  return start;
}

/** A closed image run of `assets` completed records, as a comparison names it. */
export const closedRunRef = (runId: string, assets: number, modelVersion = runId): RunRef => ({
  runId,
  name: runId,
  modelVersion,
  suite: 'image-default',
  modality: 'image',
  records: assets,
  completed: assets,
  failed: 0,
});
