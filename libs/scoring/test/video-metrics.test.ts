import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricOutcome } from '@assay/contracts';
import type { DecodedImage } from '@assay/media';
import { evaluateVideo, MetricRegistry, type MetricContext, type ModelCalls, type VideoInput } from '@assay/scoring';
import { z } from 'zod';
import { analyze, compareFiles, makeClips, probeFile, readSamples, type Clips } from '../../../test/parity/video-clips.js';

/**
 * The video metrics on short clips built from real photographs (test/parity/video-clips.ts), decoded as the
 * worker does (luma scaled to 320 px, the worker's probe). Every evaluation also checks the metric contract:
 * no metric errors, every score inside its declared range, and every skipped metric says why.
 */
let registry: MetricRegistry;
let clips: Clips;
const ctx: MetricContext = { models: { run: () => Promise.reject(new Error('no models here')) }, file: (p) => p };

beforeAll(async () => {
  registry = await MetricRegistry.load();
  clips = makeClips();
});
afterAll(() => clips?.cleanup());

const videoMetrics = () => registry.all().filter((d) => d.modality === 'video');

interface Run {
  scores: Record<string, number>;
  censored?: Record<string, string>;
  outcome(metric: string): MetricOutcome;
}

const decodes = new Map<string, Promise<Pick<VideoInput, 'probe' | 'frames'>>>();
/** probe and frame analysis of a file, once per file */
function decoded(file: string) {
  let d = decodes.get(file);
  if (!d) {
    d = Promise.all([probeFile(file), analyze(file, { maxSide: 320 })]).then(([probe, frames]) => ({ probe, frames }));
    decodes.set(file, d);
  }
  return d;
}

/** Evaluates the named video metrics (default: all) on a file, checking the contract on the way. */
async function run(
  file: string,
  o: { metrics?: string[]; params?: Record<string, Record<string, unknown>>; extra?: Partial<VideoInput>; context?: MetricContext } = {},
): Promise<Run> {
  const names = o.metrics ?? videoMetrics().map((d) => d.name);
  const suite = registry.resolveSuite({
    name: 'test',
    source: 'test',
    metrics: names.map((metric) => ({ metric, params: o.params?.[metric] ?? {}, thresholds: {} })),
  });
  const { probe, frames } = await decoded(file);
  const { scores, censored, outcomes } = await evaluateVideo(
    suite.metrics,
    { probe, frames, samples: [], attributes: {}, ...o.extra },
    o.context ?? ctx,
  );
  for (const out of outcomes) {
    expect(out.status, `${out.metric}: ${out.reason?.message}`).not.toBe('error');
    if (out.status === 'not_applicable') expect(out.reason?.message.length, out.metric).toBeGreaterThan(10);
    const def = registry.get(out.metric)!;
    for (const spec of def.scores) {
      const v = scores[`${def.name}.${spec.key}`];
      if (v === undefined) continue;
      const [lo, hi] = spec.range;
      expect(v, `${def.name}.${spec.key}`).toBeGreaterThanOrEqual(lo ?? -Infinity);
      expect(v, `${def.name}.${spec.key}`).toBeLessThanOrEqual(hi ?? Infinity);
    }
  }
  return { scores, censored, outcome: (metric) => outcomes.find((x) => x.metric === metric)! };
}

describe('video metric definitions', () => {
  it('declare every score with a range and a direction, and strict parameters with defaults', () => {
    const defs = videoMetrics();
    expect(defs.map((d) => d.name).sort()).toEqual([
      'audio_track',
      'black_frames',
      'flicker',
      'frozen_frames',
      'motion',
      'scene_cuts',
      'temporal_consistency',
      'video_format',
      'video_psnr',
      'video_ssim',
    ]);
    for (const def of defs) {
      for (const s of def.scores) {
        expect(s.range, `${def.name}.${s.key}`).toHaveLength(2);
        expect(['higher', 'lower', 'none'], `${def.name}.${s.key}`).toContain(s.direction);
      }
      if (!def.params) continue;
      expect(def.params, def.name).toBeInstanceOf(z.ZodObject);
      expect(def.params.safeParse({}).success, `${def.name} defaults`).toBe(true);
      expect(def.params.safeParse({ notAParam: 1 }).success, `${def.name} is strict`).toBe(false);
    }
    expect(registry.get('temporal_consistency')!.needs.samples).toBe(true);
    expect(registry.get('video_psnr')!.needs.reference && registry.get('video_ssim')!.needs.reference).toBe(true);
  });
});

describe('temporal metrics on real clips', () => {
  it('a static shot: no motion, frozen throughout, no flicker, cut or black', async () => {
    const { scores } = await run(await clips.pan(0));
    expect(scores['motion.mean']).toBeLessThan(2e-4); // diagonals per frame: < 0.1 px on 320×240
    expect(scores['motion.static_ratio']).toBe(1);
    expect(scores['frozen_frames.ratio']).toBe(1);
    expect(scores['frozen_frames.intervals']).toBe(1);
    expect(scores['flicker.mean']).toBeLessThan(0.01);
    expect(scores['scene_cuts.count']).toBe(0);
    expect(scores['black_frames.ratio']).toBe(0);
  });

  it('a pan: motion measures the displacement and grows with the speed', async () => {
    const speeds = [0, 5, 20];
    const results = await Promise.all(speeds.map(async (speed) => run(await clips.pan(speed), { metrics: ['motion', 'frozen_frames'] })));
    const perSecond = results.map((r) => r.scores['motion.per_second']);
    expect(perSecond[0]).toBeLessThan(perSecond[1] / 4);
    expect(perSecond[1]).toBeLessThan(perSecond[2] / 3);
    // the pan moves speed px/s right and speed/3 down; the unit is the 400 px diagonal of 320×240
    for (const i of [1, 2]) {
      const ratio = perSecond[i] / ((speeds[i] * Math.hypot(1, 1 / 3)) / 400);
      expect(ratio, `${speeds[i]} px/s`).toBeGreaterThan(0.85);
      expect(ratio, `${speeds[i]} px/s`).toBeLessThan(1.15);
    }
    expect(results[2].scores['motion.static_ratio']).toBe(0);
    expect(results[1].scores['frozen_frames.ratio']).toBe(0);
    // freezedetect with d up to a frame interval would find every frame frozen: not applicable, with the reason
    const d0 = await run(await clips.pan(5), { metrics: ['frozen_frames'], params: { frozen_frames: { duration: 0.04 } } });
    expect(d0.outcome('frozen_frames')).toMatchObject({
      status: 'not_applicable',
      reason: { message: expect.stringMatching(/not longer than the frame interval/) },
    });
  });

  it('a fade to black: black pictures and one black segment; a linear fade is not flicker', async () => {
    const { scores, outcome } = await run(await clips.get('fade'), { metrics: ['black_frames', 'flicker'] });
    // black from 2.5 s on (50 of 113 frames) and the last few frames of the fade
    expect(scores['black_frames.ratio']).toBeGreaterThan(50 / 113);
    expect(scores['black_frames.ratio']).toBeLessThan(60 / 113);
    expect(scores['black_frames.segments']).toBe(1);
    expect(scores['black_frames.segment_seconds']).toBeGreaterThan(1.9);
    expect(outcome('black_frames').details).toMatchObject({ range: 'limited', blackLevel: 37 });
    expect(scores['flicker.mean']).toBeLessThan(0.5);
    expect(scores['flicker.raw_mean']).toBeGreaterThan(3 * scores['flicker.mean']);
  });

  it('black segments: every black picture counts in the ratio, segments only from minDuration on', async () => {
    const file = await clips.get('black');
    const byDefault = await run(file, { metrics: ['black_frames'] });
    // black 1 s + 2.5 s of 8.5 s; only the 2.5 s run reaches blackdetect's default 2 s
    expect(byDefault.scores['black_frames.ratio']).toBeCloseTo(3.5 / 8.5, 2);
    expect(byDefault.scores['black_frames.segments']).toBe(1);
    expect(byDefault.scores['black_frames.segment_seconds']).toBeCloseTo(2.5, 1);
    const shorter = await run(file, { metrics: ['black_frames'], params: { black_frames: { minDuration: 0.5 } } });
    expect(shorter.scores['black_frames.segments']).toBe(2);
    expect(shorter.scores['black_frames.segment_seconds']).toBeCloseTo(3.5, 1);
  });

  it('concatenated photographs: a cut at each join, left out of motion and flicker', async () => {
    const { scores, outcome } = await run(await clips.get('cuts'), { metrics: ['scene_cuts', 'motion', 'flicker'] });
    expect(scores['scene_cuts.count']).toBe(2);
    expect((outcome('scene_cuts').details as { cuts: { frame: number }[] }).cuts.map((c) => c.frame)).toEqual([30, 60]);
    expect(scores['scene_cuts.per_minute']).toBeCloseTo(2 / (3.6 / 60), 6);
    expect(outcome('motion').details).toMatchObject({ cutsExcluded: 2 });
    // each photo drifts at 12 px/s (whole-pixel steps, so less precisely measured than the smooth pans): the cuts add nothing
    expect(scores['motion.per_second'] / (12 / 400)).toBeGreaterThan(0.8);
    expect(scores['motion.per_second'] / (12 / 400)).toBeLessThan(1.3);
    expect(scores['flicker.mean']).toBeLessThan(0.5);
  });

  it('alternating brightness is flicker; the same pan without it is not', async () => {
    const [flickering, steady] = await Promise.all([
      run(await clips.get('flicker'), { metrics: ['flicker'] }),
      run(await clips.pan(5), { metrics: ['flicker'] }),
    ]);
    // eq brightness ±0.03 moves the mean luma by ±6 to 7 levels: a step of about 13 between frames
    expect(flickering.scores['flicker.mean']).toBeGreaterThan(10);
    expect(flickering.scores['flicker.mean']).toBeLessThan(16);
    expect(flickering.scores['flicker.p95']).toBeGreaterThan(10);
    expect(steady.scores['flicker.mean']).toBeLessThan(flickering.scores['flicker.mean'] / 20);
  });

  it('a held frame: one frozen interval of its length, the moving parts not', async () => {
    const { scores } = await run(await clips.get('frozen'), { metrics: ['frozen_frames'] });
    // the last frame of the first second, then 3 s of its copies, of 5.5 s
    expect(scores['frozen_frames.intervals']).toBe(1);
    expect(scores['frozen_frames.longest_seconds']).toBeCloseTo(3.04, 1);
    expect(scores['frozen_frames.ratio']).toBeCloseTo(76 / 138, 1);
  });

  it('video_format: duration, frame rate and size against the policy', async () => {
    const file = await clips.pan(5);
    const ok = await run(file, { metrics: ['video_format'] });
    expect(ok.scores).toMatchObject({
      'video_format.duration_seconds': 3,
      'video_format.frame_rate': 25,
      'video_format.width': 320,
      'video_format.height': 240,
      'video_format.frame_count': 75,
      'video_format.within_policy': 1,
    });
    const strict = await run(file, { metrics: ['video_format'], params: { video_format: { minDurationSeconds: 4, maxFrameRate: 24 } } });
    expect(strict.scores['video_format.within_policy']).toBe(0);
    expect(strict.outcome('video_format').details).toMatchObject({ violations: ['duration 3 s < 4 s', 'frame rate 25 > 24'] });
    expect(() =>
      registry.resolveSuite({ name: 't', source: 't', metrics: [{ metric: 'video_format', params: { maxDuration: 4 }, thresholds: {} }] }),
    ).toThrow(/video_format\.params/);
  });

  it('audio_track: presence, and the audio/video duration mismatch only when there is audio', async () => {
    const [withAudio, silent] = await Promise.all([
      run(await clips.get('withAudio'), { metrics: ['audio_track'] }),
      run(await clips.pan(5), { metrics: ['audio_track'] }),
    ]);
    expect(withAudio.scores['audio_track.present']).toBe(1);
    // 2 s of AAC against 3 s of video (AAC framing adds a few ms)
    expect(withAudio.scores['audio_track.duration_mismatch_seconds']).toBeCloseTo(1, 1);
    expect(silent.scores).toEqual({ 'audio_track.present': 0 });
  });
});

describe('temporal_consistency', () => {
  /**
   * A tiny deterministic image embedding in place of the model call: the mean luma of an 8×8 grid of cells,
   * centred. Adjacent frames of one shot are near 1; frames across a cut are unrelated.
   */
  function gridEmbedding(image: DecodedImage): Float32Array {
    const v = new Float32Array(64);
    const count = new Float32Array(64);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const i = 3 * (y * image.width + x);
        const cell = Math.floor((8 * y) / image.height) * 8 + Math.floor((8 * x) / image.width);
        v[cell] += 0.299 * image.rgb[i] + 0.587 * image.rgb[i + 1] + 0.114 * image.rgb[i + 2];
        count[cell]++;
      }
    }
    for (let i = 0; i < 64; i++) v[i] /= count[i];
    const mean = v.reduce((a, b) => a + b, 0) / 64;
    return v.map((x) => x - mean);
  }
  const model = { id: 'grid-8x8', version: '1', sha256: '0'.repeat(64), provider: 'test' };
  const notHere = () => Promise.reject(new Error('not used by temporal_consistency'));
  const modelCalls: ModelCalls = {
    embedImage: async (_id, image) => ({ vector: gridEmbedding(image), model }),
    embedText: notHere,
    classify: notHere,
    scoreImageText: notHere,
    scoreHead: notHere,
  };
  const params = { temporal_consistency: { model: 'grid-8x8' } };

  it('is skipped with a clear reason without an embedding model or a model registry', async () => {
    const file = await clips.pan(5);
    const samples = await readSamples(file, 15);
    const noModel = await run(file, { metrics: ['temporal_consistency'], extra: { samples } });
    expect(noModel.outcome('temporal_consistency')).toMatchObject({
      status: 'not_applicable',
      reason: { message: expect.stringMatching(/no image-embedding model configured/) },
    });
    const noRegistry = await run(file, { metrics: ['temporal_consistency'], params, extra: { samples } });
    expect(noRegistry.outcome('temporal_consistency')).toMatchObject({
      status: 'not_applicable',
      reason: { message: expect.stringMatching(/through a model registry, and this process has none/) },
    });
    const suite = registry.resolveSuite({
      name: 't',
      source: 't',
      metrics: [{ metric: 'temporal_consistency', params: params.temporal_consistency, thresholds: {} }],
    });
    expect(suite).toMatchObject({ needsSamples: true, models: ['grid-8x8'] });
  });

  it('is the cosine of adjacent sampled frames: high within a shot, low across a cut', async () => {
    const [pan, cuts] = await Promise.all([clips.pan(5), clips.get('cuts')]);
    const context = { ...ctx, modelCalls };
    const [steady, cut] = await Promise.all([
      readSamples(pan, 15).then((samples) => run(pan, { metrics: ['temporal_consistency'], params, extra: { samples }, context })),
      readSamples(cuts, 10).then((samples) => run(cuts, { metrics: ['temporal_consistency'], params, extra: { samples }, context })),
    ]);
    expect(steady.scores['temporal_consistency.min']).toBeGreaterThan(0.9);
    expect(steady.outcome('temporal_consistency')).toMatchObject({ model, details: { samples: 5, pairs: 4 } });
    expect(cut.scores['temporal_consistency.min']).toBeLessThan(0.5);
    expect(cut.scores['temporal_consistency.mean']).toBeLessThan(steady.scores['temporal_consistency.mean']);
    expect(cut.outcome('temporal_consistency').details).toMatchObject({ lowestPair: { from: expect.any(Number), to: expect.any(Number) } });
  });
});

describe('degenerate clips', () => {
  it('a single frame: every metric has a value or says why not', async () => {
    const { scores, outcome } = await run(await clips.get('single'));
    expect(outcome('flicker')).toMatchObject({ status: 'not_applicable', reason: { message: expect.stringMatching(/needs at least 3/) } });
    expect(outcome('frozen_frames')).toMatchObject({ status: 'not_applicable', reason: { message: expect.stringMatching(/at least 2/) } });
    expect(scores).toMatchObject({
      'motion.mean': 0,
      'motion.static_ratio': 1,
      'scene_cuts.count': 0,
      'black_frames.ratio': 0,
      'video_format.frame_count': 1,
    });
  });

  it('a clip shorter than the freeze duration: frozen_frames not applicable, with the way out', async () => {
    const { outcome } = await run(await clips.pan(0), { metrics: ['frozen_frames'], params: { frozen_frames: { duration: 5 } } });
    expect(outcome('frozen_frames')).toMatchObject({
      status: 'not_applicable',
      reason: { message: expect.stringMatching(/less than the minimum freeze duration.*lower duration/) },
    });
  });

  it('an all-black clip: black and frozen throughout, no motion, no flicker', async () => {
    const { scores, outcome } = await run(await clips.get('allBlack'));
    expect(scores).toMatchObject({
      'black_frames.ratio': 1,
      'black_frames.segments': 1,
      'frozen_frames.ratio': 1,
      'motion.mean': 0,
      'motion.static_ratio': 1,
      'flicker.mean': 0,
      'scene_cuts.count': 0,
    });
    expect(outcome('motion').details).toMatchObject({ textureCoverage: 0 });
  });
});

describe('video_psnr and video_ssim', () => {
  it('score an identical reference at the cap and 1; refuse a reference of another size or none', async () => {
    const [file, small] = await Promise.all([clips.pan(5), clips.get('small')]);
    const metrics = ['video_psnr', 'video_ssim'];
    const same = await run(file, { metrics, extra: { reference: await compareFiles(file, file) } });
    expect(same.scores).toMatchObject({
      'video_psnr.psnr_mean': 100,
      'video_psnr.mse_mean': 0,
      'video_ssim.ssim_mean': 1,
      'video_ssim.unmatched_frames': 0,
    });
    expect(same.censored).toEqual({ 'video_psnr.psnr_mean': 'above', 'video_psnr.psnr_min': 'above', 'video_psnr.psnr_avg_mse': 'above' });
    const other = await run(file, { metrics, extra: { reference: await compareFiles(file, small) } });
    for (const m of metrics)
      expect(other.outcome(m)).toMatchObject({ status: 'not_applicable', reason: { code: 'reference_size_mismatch' } });
    const none = await run(file, { metrics });
    for (const m of metrics)
      expect(none.outcome(m)).toMatchObject({ status: 'not_applicable', reason: { message: expect.stringMatching(/reference video/) } });
  });

  it('count the frames of the longer stream that have no partner', async () => {
    const [file, single] = await Promise.all([clips.pan(5), clips.get('single')]);
    const { scores } = await run(file, { metrics: ['video_psnr', 'video_ssim'], extra: { reference: await compareFiles(file, single) } });
    // the single frame is the pan's first: identical, and 74 frames unmatched
    expect(scores).toMatchObject({ 'video_psnr.psnr_mean': 100, 'video_psnr.unmatched_frames': 74, 'video_ssim.unmatched_frames': 74 });
  });
});
