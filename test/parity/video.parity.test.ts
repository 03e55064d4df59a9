import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blackdetect,
  evaluateVideo,
  freezedetect,
  MetricRegistry,
  scdet,
  type FrameSeries,
  type ModelRunner,
  type VideoInput,
} from '@assay/scoring';
import {
  analyze,
  compareFiles,
  ffmpeg,
  ffmpegDetect,
  ffmpegFullReference,
  makeClips,
  opencvFile,
  probeFile,
  type Clips,
  type FilterInterval,
} from './video-clips.js';

/**
 * The video metrics against ffmpeg 5.1's own filters on the same files: psnr and ssim for the full-reference
 * metrics (per frame and the summary; the issue's tolerances 0.01 dB and 1e-3), blackdetect, freezedetect
 * and scdet for the detections. Detections are compared twice: on exactly the pixels the filters see (full
 * resolution Y, with the filters fed `extractplanes=y`), where the replay must agree event for event, and as
 * the worker runs them (Y scaled to 320 px) against ffmpeg's defaults (full resolution, every plane for
 * freezedetect and scdet), where the measured agreement is printed and bounded.
 */
const PSNR_DB = 0.01;
const SSIM_ABS = 1e-3;

const ctx = { models: { run: () => Promise.reject(new Error('no models here')) } as ModelRunner, file: (p: string) => p };
let registry: MetricRegistry;
let clips: Clips;

beforeAll(async () => {
  registry = await MetricRegistry.load();
  clips = makeClips();
});
afterAll(() => clips?.cleanup());

async function scoresOf(
  names: string[],
  input: Omit<VideoInput, 'samples' | 'attributes'>,
  params: Record<string, Record<string, unknown>> = {},
) {
  const suite = registry.resolveSuite({
    name: 'parity',
    source: 'test',
    metrics: names.map((metric) => ({ metric, params: params[metric] ?? {}, thresholds: {} })),
  });
  const { scores, outcomes } = await evaluateVideo(suite.metrics, { ...input, samples: [], attributes: {} }, ctx);
  expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
  return scores;
}

describe('video_psnr and video_ssim against ffmpeg psnr and ssim', () => {
  it('agree per frame and on the summary for H.264 crf 35 and blurred versions of Megamind, vtest and tree', async () => {
    // references stored losslessly (FFV1) so every version has exactly the reference's frames and timestamps
    const sources = [
      { name: 'Megamind', file: opencvFile('Megamind.avi'), seconds: 2 },
      { name: 'vtest', file: opencvFile('vtest.avi'), seconds: 3 },
      { name: 'tree', file: opencvFile('tree.avi'), seconds: 2 },
    ];
    const pairs = (
      await Promise.all(
        sources.map(async ({ name, file, seconds }) => {
          const ref = join(clips.dir, `${name}-ref.mkv`);
          await ffmpeg(['-t', String(seconds), '-i', file, '-an', '-pix_fmt', 'yuv420p', '-c:v', 'ffv1', ref]);
          const crf = join(clips.dir, `${name}-crf35.mkv`);
          const blur = join(clips.dir, `${name}-blur.mkv`);
          await Promise.all([
            ffmpeg(['-i', ref, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '35', crf]),
            ffmpeg(['-i', ref, '-vf', 'gblur=sigma=1.5', '-c:v', 'ffv1', blur]),
          ]);
          return [
            { name: `${name} crf35`, asset: crf, ref },
            { name: `${name} blur`, asset: blur, ref },
          ];
        }),
      )
    ).flat();
    // identical frames (Megamind's black opening) are inf dB in ffmpeg and the metric's cap here
    const cap = registry.get('video_psnr')!.scores.find((spec) => spec.key === 'psnr_mean')!.range[1]!;
    const psnrOf = (mse: number) => Math.min(cap, 10 * Math.log10((255 * 255) / mse));
    const worst = { psnrFrame: 0, psnrMean: 0, psnrSummary: 0, ssimFrame: 0, ssimSummary: 0, frames: 0, identical: 0 };
    for (const { name, asset, ref } of pairs) {
      const [reference, ff, probe, frames] = await Promise.all([
        compareFiles(asset, ref),
        ffmpegFullReference(asset, ref),
        probeFile(asset),
        analyze(asset, { maxSide: 320, motion: false }),
      ]);
      expect(reference.count, name).toBe(ff.psnrY.length);
      expect(ff.ssimY.length, name).toBe(reference.count);
      const s = await scoresOf(['video_psnr', 'video_ssim'], { probe, frames, reference });
      const ffPsnr = ff.psnrY.map((v) => Math.min(cap, v));
      for (let i = 0; i < reference.count; i++) {
        worst.psnrFrame = Math.max(worst.psnrFrame, Math.abs(psnrOf(reference.mseY[i]) - ffPsnr[i]));
        worst.ssimFrame = Math.max(worst.ssimFrame, Math.abs(reference.ssimY[i] - ff.ssimY[i]));
        worst.identical += Number(reference.mseY[i] === 0);
      }
      worst.psnrMean = Math.max(worst.psnrMean, Math.abs(s['video_psnr.psnr_mean'] - ffPsnr.reduce((a, b) => a + b, 0) / ffPsnr.length));
      worst.psnrSummary = Math.max(worst.psnrSummary, Math.abs(s['video_psnr.psnr_avg_mse'] - ff.summaryPsnrY));
      worst.ssimSummary = Math.max(worst.ssimSummary, Math.abs(s['video_ssim.ssim_mean'] - ff.summarySsimY));
      worst.frames += reference.count;
    }

    console.log(
      `video FR parity, ${pairs.length} pairs, ${worst.frames} frames (${worst.identical} identical): ` +
        `max |ΔPSNR_Y| per frame ${worst.psnrFrame.toExponential(2)} dB, ` +
        `mean ${worst.psnrMean.toExponential(2)} dB, summary y: ${worst.psnrSummary.toExponential(2)} dB (ffmpeg prints 2 decimals); ` +
        `max |ΔSSIM_Y| per frame ${worst.ssimFrame.toExponential(2)}, summary ${worst.ssimSummary.toExponential(2)}`,
    );
    expect(worst.psnrFrame).toBeLessThanOrEqual(PSNR_DB);
    expect(worst.psnrMean).toBeLessThanOrEqual(PSNR_DB);
    expect(worst.psnrSummary).toBeLessThanOrEqual(PSNR_DB);
    expect(worst.ssimFrame).toBeLessThanOrEqual(SSIM_ABS);
    expect(worst.ssimSummary).toBeLessThanOrEqual(SSIM_ABS);
  }, 120_000);
});

// ---------------------------------------------------------------- detections

/** blackdetect d=0 reports every black run (so every frame's decision); freezes of at least 0.5 s; scdet's default threshold. */
const BLACK = { pixelThreshold: 0.1, pictureThreshold: 0.98, minDuration: 0, range: 'limited' as const };
const FREEZE = { noise: 0.001, duration: 0.5 };
const CUT_THRESHOLD = 10;
const FFMPEG_OPTIONS = { black: 'd=0', freeze: 'd=0.5' };
/** ffmpeg prints times with 6 significant digits (closeTo(…, 3) below: within 5e-4 s, far below a frame) */
const TIME_TOL = 1e-4;

/** Our replays, in the form ffmpeg logs them (blackdetect ends a run open at the end at the last frame's time, freezedetect logs no end). */
function ours(series: FrameSeries) {
  const cut = scdet(series, CUT_THRESHOLD);
  return {
    black: blackdetect(series, BLACK).intervals.map((v) => ({ start: v.start, end: v.end })),
    freeze: freezedetect(series, FREEZE).intervals.map((v) => (v.open ? { start: v.start } : { start: v.start, end: v.end })),
    cuts: cut.cuts.map((c) => c.time),
    scdetScores: cut.scores,
  };
}

/** Per frame (by presentation time): inside one of the intervals (an open one runs to the end). */
function flags(times: Float64Array, intervals: FilterInterval[]): Uint8Array {
  const f = new Uint8Array(times.length);
  for (const { start, end } of intervals)
    times.forEach((t, i) => (f[i] ||= Number(t >= start - TIME_TOL && (end === undefined || t < end - TIME_TOL))));
  return f;
}

const cutFlags = (times: Float64Array, cuts: number[]) =>
  Uint8Array.from(times, (t) => Number(cuts.some((c) => Math.abs(c - t) <= TIME_TOL)));

interface Agreement {
  frames: number;
  /** frames with a different decision */
  differ: number;
  /** events (intervals, cuts) ffmpeg reported / we reported / matched within the time tolerance */
  theirs: number;
  ours: number;
  matched: number;
}

const agreement = (fa: Uint8Array, fb: Uint8Array, theirs: number, ours: number, matched: number): Agreement => ({
  frames: fa.length,
  differ: fa.reduce((n, v, i) => n + Number(v !== fb[i]), 0),
  theirs,
  ours,
  matched,
});

function intervalAgreement(times: Float64Array, a: FilterInterval[], b: FilterInterval[], tol: number): Agreement {
  const same = (x?: number, y?: number) => (x === undefined ? y === undefined : y !== undefined && Math.abs(x - y) <= tol);
  const matched = a.filter((x) => b.some((y) => same(x.start, y.start) && same(x.end, y.end))).length;
  return agreement(flags(times, a), flags(times, b), a.length, b.length, matched);
}

function cutAgreement(times: Float64Array, a: number[], b: number[], tol: number): Agreement {
  const matched = a.filter((x) => b.some((y) => Math.abs(x - y) <= tol)).length;
  return agreement(cutFlags(times, a), cutFlags(times, b), a.length, b.length, matched);
}

const add = (x: Agreement, y: Agreement): Agreement => ({
  frames: x.frames + y.frames,
  differ: x.differ + y.differ,
  theirs: x.theirs + y.theirs,
  ours: x.ours + y.ours,
  matched: x.matched + y.matched,
});
const none = (): Agreement => ({ frames: 0, differ: 0, theirs: 0, ours: 0, matched: 0 });
const describeAgreement = (a: Agreement) =>
  `${a.matched}/${a.theirs} ffmpeg events matched (${a.ours} ours), frames ${(100 * (1 - a.differ / a.frames)).toFixed(2)} % of ${a.frames} agree`;

describe('black_frames, frozen_frames and scene_cuts against blackdetect, freezedetect and scdet', () => {
  let sources: { name: string; file: string; seconds?: number }[];

  beforeAll(async () => {
    // a real scene faded to black and held black: frames near the black threshold
    const megamindFade = join(clips.dir, 'megamind-fade.mkv');
    const [black, fade, frozen, cuts] = await Promise.all([
      clips.get('black'),
      clips.get('fade'),
      clips.get('frozen'),
      clips.get('cuts'),
      ffmpeg([
        '-t',
        '4',
        '-i',
        opencvFile('Megamind.avi'),
        '-an',
        '-vf',
        'fade=t=out:st=1.5:d=1.5,tpad=stop_mode=add:stop_duration=1.5:color=black',
        '-c:v',
        'ffv1',
        megamindFade,
      ]),
    ]);
    sources = [
      { name: 'Megamind.avi', file: opencvFile('Megamind.avi') },
      { name: 'Megamind_bugy.avi', file: opencvFile('Megamind_bugy.avi') },
      { name: 'tree.avi', file: opencvFile('tree.avi') },
      { name: 'vtest.avi 0-20 s', file: opencvFile('vtest.avi'), seconds: 20 },
      { name: 'Megamind fade to black', file: megamindFade },
      { name: 'clip black', file: black },
      { name: 'clip fade', file: fade },
      { name: 'clip frozen', file: frozen },
      { name: 'clip cuts', file: cuts },
    ];
  }, 60_000);

  it('replay the filters exactly on the Y plane at full resolution', async () => {
    let scoreErr = 0;
    const total = { black: none(), freeze: none(), cuts: none() };
    for (const { name, file, seconds } of sources) {
      const [series, ff, probe] = await Promise.all([
        analyze(file, { seconds, motion: false }),
        ffmpegDetect(file, { seconds, lumaOnly: true, ...FFMPEG_OPTIONS }),
        probeFile(file),
      ]);
      const mine = ours(series);
      expect(mine.black, `${name} blackdetect`).toEqual(closeTo(ff.black));
      expect(mine.freeze, `${name} freezedetect`).toEqual(closeTo(ff.freeze));
      expect(mine.cuts, `${name} scdet`).toEqual(closeTo(ff.cuts));
      expect(ff.scdetScores.length, name).toBe(series.count);
      ff.scdetScores.forEach((v, i) => (scoreErr = Math.max(scoreErr, Math.abs(v - mine.scdetScores[i]))));
      total.black = add(total.black, intervalAgreement(series.time, ff.black, mine.black, TIME_TOL));
      total.freeze = add(total.freeze, intervalAgreement(series.time, ff.freeze, mine.freeze, TIME_TOL));
      total.cuts = add(total.cuts, cutAgreement(series.time, ff.cuts, mine.cuts, TIME_TOL));
      // the metrics report what the filters found, with the same settings
      const s = await scoresOf(
        ['black_frames', 'frozen_frames', 'scene_cuts'],
        { probe, frames: series },
        {
          black_frames: { minDuration: 0, range: 'limited' },
          frozen_frames: FREEZE,
          scene_cuts: { threshold: CUT_THRESHOLD },
        },
      );
      expect([s['black_frames.segments'], s['frozen_frames.intervals'], s['scene_cuts.count']], name).toEqual([
        ff.black.length,
        ff.freeze.length,
        ff.cuts.length,
      ]);
    }

    console.log(
      `video detection parity, Y at full resolution vs ffmpeg on extractplanes=y (${sources.length} files): ` +
        `blackdetect ${describeAgreement(total.black)}; freezedetect ${describeAgreement(total.freeze)}; scdet ${describeAgreement(total.cuts)}, ` +
        `max |Δscore| ${scoreErr.toFixed(4)} (ffmpeg prints 3 decimals)`,
    );
    expect(scoreErr).toBeLessThanOrEqual(5e-4 + 1e-9);
    for (const a of Object.values(total)) expect(a.differ).toBe(0);
  }, 120_000);

  it('agree with the filters at their defaults when run as on the worker (Y at 320 px)', async () => {
    const total = { black: none(), freeze: none(), cuts: none() };
    const lines: string[] = [];
    for (const { name, file, seconds } of sources) {
      const [series, ff] = await Promise.all([
        analyze(file, { seconds, maxSide: 320, motion: false }),
        ffmpegDetect(file, { seconds, ...FFMPEG_OPTIONS }),
      ]);
      const mine = ours(series);
      const frame = Math.max(...series.time.subarray(1).map((t, i) => t - series.time[i])) + TIME_TOL;
      const a = {
        black: intervalAgreement(series.time, ff.black, mine.black, frame),
        freeze: intervalAgreement(series.time, ff.freeze, mine.freeze, frame),
        cuts: cutAgreement(series.time, ff.cuts, mine.cuts, frame),
      };
      for (const k of ['black', 'freeze', 'cuts'] as const) total[k] = add(total[k], a[k]);
      lines.push(
        `${name}: black ${a.black.matched}/${a.black.theirs}/${a.black.ours}, freeze ` +
          `${a.freeze.matched}/${a.freeze.theirs}/${a.freeze.ours}, cuts ${a.cuts.matched}/${a.cuts.theirs}/${a.cuts.ours}`,
      );
    }

    console.log(
      `video detection agreement, worker analysis (Y at 320 px) vs ffmpeg defaults at full resolution, events within 1 frame: ` +
        `blackdetect ${describeAgreement(total.black)}; freezedetect ${describeAgreement(total.freeze)}; scdet ${describeAgreement(total.cuts)}\n  ` +
        lines.join('\n  '),
    );
    // Scaling to 320 px moves a picture's black share and MAFD a little, so a decision next to a threshold may
    // shift by a frame: events must all match within one frame, and at most 1 % of the frames may differ.
    for (const a of Object.values(total)) {
      expect([a.matched, a.ours]).toEqual([a.theirs, a.theirs]);
      expect(a.differ / a.frames).toBeLessThanOrEqual(0.01);
    }
  }, 120_000);
});

/** Interval or time lists equal within the print precision of ffmpeg's times. */
function closeTo<T extends FilterInterval | number>(want: T[]): unknown {
  return want.map((w) =>
    typeof w === 'number'
      ? expect.closeTo(w, 3)
      : { start: expect.closeTo(w.start, 3), ...(w.end === undefined ? {} : { end: expect.closeTo(w.end, 3) }) },
  );
}
