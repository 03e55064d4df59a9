/**
 * npm run bench:media — the worker's video and audio path on one machine, medians of BENCH_ROUNDS:
 *  - video: 10 s of Megamind.avi (opencv-doc) re-encoded to H.264 at 480p and 1080p, 25 fps, scored with the
 *    `video-default` suite exactly as the worker does (probe → one ffmpeg pass feeding the frame analysis and
 *    8 sampled frames → metrics); video seconds scored per wall-clock second, and where the time goes:
 *    ffmpeg decoding alone, the frame analysis on top, the metrics.
 *  - audio: 60 s of real recordings (alsa-utils, 48 kHz stereo) with `audio-default`: real-time factor
 *    (processing time / audio duration), decoding versus metrics.
 *  - loudness: our TypeScript EBU R128 (integrated, range, true peak) on the decoded PCM versus ffmpeg's
 *    `ebur128=peak=true` on the same file (minus ffmpeg's decode-only time for the same file).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAudio, decodeVideo, openMedia, type MediaLimits } from '@assay/media';
import { evaluate, evaluateVideo, FrameAnalyzer, measureLoudness, MetricRegistry, type MetricContext } from '@assay/scoring';
import { SuiteCatalog } from '@assay/suites';
import { ffmpeg, FRONT_CENTER_WAV, photo } from '../helpers/media.js';
import { cases, median, QUICK, rounds, table } from './stats.js';

const ROUNDS = rounds(5);
const SECONDS = QUICK ? 2 : 10;
const limits: MediaLimits = {
  maxBytes: 1 << 30,
  maxDurationSeconds: 600,
  maxVideoPixels: 3840 * 2160,
  maxVideoFrames: 100_000,
  timeoutMs: 300_000,
};
const dir = mkdtempSync(join(tmpdir(), 'assay-bench-media-'));
const registry = await MetricRegistry.load();
const catalog = await SuiteCatalog.load();
const ctx = { file: (rel: string) => rel } as MetricContext;

const timeMs = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

// ---- video
const videoSuite = registry.resolveSuite(catalog.get('video-default')!);
const videoRows: (string | number)[][] = [];
for (const height of cases([480, 1080])) {
  const path = join(dir, `megamind-${height}p.mp4`);
  ffmpeg(
    '-stream_loop',
    '-1',
    '-i',
    photo('Megamind.avi'),
    '-t',
    String(SECONDS),
    '-vf',
    `scale=-2:${height},fps=25`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-pix_fmt',
    'yuv420p',
    path,
  );
  const bytes = new Uint8Array(readFileSync(path));
  const decodeOnly: number[] = [];
  const decodeAnalyse: number[] = [];
  const metricsMs: number[] = [];
  const totals: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    const t0 = performance.now();
    const file = await openMedia(bytes, 'video', limits);
    let pure = 0;
    let analysed = 0;
    let evaluated = 0;
    try {
      // decoding alone: the same graph and sampling, frames dropped as they arrive
      pure = await timeMs(() =>
        decodeVideo(file, { sampling: videoSuite.video!.sampling, analysisMaxSide: videoSuite.video!.analysisMaxSide }),
      );
      const t1 = performance.now();
      const analyzer = new FrameAnalyzer();
      const decoded = await decodeVideo(file, {
        sampling: videoSuite.video!.sampling,
        analysisMaxSide: videoSuite.video!.analysisMaxSide,
        onFrame: (f) => analyzer.update(f),
      });
      analysed = performance.now() - t1;
      const input = {
        probe: file.probe,
        frames: { ...analyzer.series(), lumaRange: decoded.lumaRange },
        samples: decoded.samples,
        attributes: {},
      };
      evaluated = await timeMs(() => evaluateVideo(videoSuite.metrics, input, ctx));
    } finally {
      await file.close();
    }
    if (r === 0) continue; // warm-up
    decodeOnly.push(pure);
    decodeAnalyse.push(analysed);
    metricsMs.push(evaluated);
    totals.push(performance.now() - t0 - pure); // the worker runs one pass, not the extra decode-only one
  }
  const total = median(totals);
  const decode = median(decodeOnly);
  const analysis = median(decodeAnalyse) - decode;
  const metrics = median(metricsMs);
  videoRows.push([
    `${height}p`,
    (SECONDS / (total / 1000)).toFixed(2),
    fmt(total),
    fmt(decode),
    fmt(analysis),
    fmt(metrics),
    `${Math.round((100 * decode) / total)} / ${Math.round((100 * analysis) / total)} / ${Math.round((100 * metrics) / total)}`,
  ]);
}

// ---- audio
const audioSuite = registry.resolveSuite(catalog.get('audio-default')!);
const AUDIO_SECONDS = QUICK ? 5 : 60;
const wav = join(dir, 'speech.wav');
ffmpeg('-stream_loop', '-1', '-i', FRONT_CENTER_WAV, '-t', String(AUDIO_SECONDS), '-ar', '48000', '-ac', '2', '-c:a', 'pcm_s16le', wav);
const flac = join(dir, 'speech.flac');
ffmpeg('-i', wav, flac);
const audioRows: (string | number)[][] = [];
const loudnessRows: (string | number)[][] = [];
for (const path of [wav, flac]) {
  const bytes = new Uint8Array(readFileSync(path));
  const decodeMs: number[] = [];
  const metricsMs: number[] = [];
  const loudMs: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    const file = await openMedia(bytes, 'audio', limits);
    try {
      const t = performance.now();
      const pcm = await decodeAudio(file, { mono16k: false });
      const d = performance.now() - t;
      const m = await timeMs(() => evaluate(audioSuite.metrics, { probe: file.probe, pcm, attributes: {} }, ctx));
      const l = await timeMs(async () => measureLoudness(pcm.channels, pcm.sampleRate));
      if (r === 0) continue;
      decodeMs.push(d);
      metricsMs.push(m);
      loudMs.push(l);
    } finally {
      await file.close();
    }
  }
  const ffmpegRun = (args: string[]) => {
    const t = performance.now();
    execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-nostats', '-v', 'error', '-i', path, ...args, '-f', 'null', '-'], {
      stdio: 'ignore',
    });
    return performance.now() - t;
  };
  const ebur: number[] = [];
  const nullDecode: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ebur.push(ffmpegRun(['-af', 'ebur128=peak=true']));
    nullDecode.push(ffmpegRun([]));
  }
  const name = path.endsWith('.wav') ? 'WAV s16 48k stereo' : 'FLAC 48k stereo';
  const total = median(decodeMs) + median(metricsMs);
  audioRows.push([
    name,
    (total / 1000 / AUDIO_SECONDS).toFixed(4),
    fmt(total),
    fmt(median(decodeMs)),
    fmt(median(metricsMs)),
    `${Math.round((100 * median(decodeMs)) / total)} / ${Math.round((100 * median(metricsMs)) / total)}`,
  ]);
  loudnessRows.push([name, fmt(median(loudMs)), fmt(median(ebur)), fmt(median(ebur) - median(nullDecode))]);
}
rmSync(dir, { recursive: true, force: true });

console.log('\nbench:media — video and audio scoring on the CPU, with ffmpeg as the reference for loudness');
console.log(
  `\nVideo, suite video-default (${videoSuite.metrics.length} metrics, sampling ` +
    `${JSON.stringify(videoSuite.video!.sampling)}), ${SECONDS} s clips, median of ${ROUNDS}`,
);
console.log(
  table(
    ['clip', 'video s / wall s', 'total ms', 'ffmpeg decode ms', 'frame analysis ms', 'metrics ms', 'decode / analysis / metrics %'],
    videoRows,
  ),
);
console.log(`\nAudio, suite audio-default (${audioSuite.metrics.length} metrics), ${AUDIO_SECONDS} s, median of ${ROUNDS}`);
console.log(table(['file', 'real-time factor', 'total ms', 'decode ms', 'metrics ms', 'decode / metrics %'], audioRows));
console.log(`\nEBU R128 loudness (integrated, LRA, true peak), ${AUDIO_SECONDS} s, median of ${ROUNDS}`);
console.log(table(['file', 'TypeScript on PCM ms', 'ffmpeg ebur128 ms (with decode)', 'ffmpeg ebur128 ms (minus decode)'], loudnessRows));
