import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, SHARED, startTestS3, testPrefix, type TestS3 } from '../helpers/env.js';
import {
  BELL_OGA,
  bytesOf,
  excerpt,
  ffmpeg,
  ffmpegFullReference,
  ffmpegLoudness,
  FRONT_CENTER_WAV,
  panClip,
  photo,
  silence,
  speech,
  stillClip,
  VTEST_AVI,
} from '../helpers/media.js';
import { apiClient, stackEnv, startService, waitForClosed, type RunningService } from '../helpers/services.js';

const prefix = testPrefix('e2e-media');
let s3: TestS3;
const services: RunningService[] = [];
let api: ReturnType<typeof apiClient>;
let dir: string;
const clip = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-e2e-media-'));
  s3 = await startTestS3();
  const env = stackEnv(prefix, s3.s3.endpoint, { MODEL_DIR: `${SHARED}/models`, MAX_MEDIA_DURATION_SECONDS: '20' });
  services.push(await startService('aggregator', env), await startService('worker', env));
  const ingest = await startService('ingest', env);
  services.push(ingest);
  api = apiClient(ingest.url);
}, 120_000);
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await s3.close();
  await dropPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

/** Creates a run on `suite`, uploads `assets` (id → file), closes it and returns each asset's result. */
async function scoreRun(
  suite: string,
  modality: 'video' | 'audio',
  assets: Record<string, string>,
  references: Record<string, string> = {},
) {
  const run = (await api('POST', '/v1/runs', { name: `media-${suite}`, suite })).json;
  for (const [id, path] of Object.entries(references))
    await s3.store.put({ bucket: 'assay', key: `refs/${run.id}/${id}` }, readFileSync(path));
  const submitted = await api('POST', `/v1/runs/${run.id}/assets`, {
    assets: Object.keys(assets).map((assetId) => ({
      assetId,
      modality,
      ...(references[assetId] ? { referenceUri: `s3://assay/refs/${run.id}/${assetId}` } : {}),
    })),
  });
  expect(submitted.status).toBe(202);
  for (const [id, path] of Object.entries(assets))
    expect((await api('PUT', `/v1/runs/${run.id}/assets/${id}/content`, bytesOf(path))).status).toBe(202);
  await api('POST', `/v1/runs/${run.id}/close`);
  await waitForClosed(api, run.id, 180_000);
  const results: Record<string, any> = {};
  for (const id of Object.keys(assets)) results[id] = (await api('GET', `/v1/runs/${run.id}/assets/${id}`)).json.result;
  return { runId: run.id as string, results, summary: (await api('GET', `/v1/runs/${run.id}/summary`)).json };
}

describe('video and audio, end to end over HTTP, Redis, S3 and ffmpeg', () => {
  it('scores video-default clips with temporal and per-frame metrics and fails bad videos with their reasons', async () => {
    const pan = panClip(clip('pan.mp4'), {
      image: photo('fruits.jpg'),
      seconds: 3,
      width: 320,
      height: 240,
      speed: 60,
      audio: FRONT_CENTER_WAV,
    });
    const still = stillClip(clip('still.mp4'), { image: photo('baboon.jpg'), seconds: 2, width: 320, height: 240 });
    const walk = excerpt(clip('walk.mp4'), { source: VTEST_AVI, seconds: 3, width: 384, crf: 23 });
    const long = stillClip(clip('long.mp4'), { image: photo('butterfly.jpg'), seconds: 25, width: 64, height: 64, fps: 5 });
    // the MP4 index (moov) is written last: half a file has none
    const truncated = clip('truncated.mp4');
    writeFileSync(truncated, readFileSync(walk).subarray(0, readFileSync(walk).length >> 1));

    const { results, summary } = await scoreRun('video-default', 'video', { pan, still, walk, long, truncated, wav: FRONT_CENTER_WAV });

    expect(results.pan).toMatchObject({
      status: 'completed',
      modality: 'video',
      media: { framesAnalysed: 75, framesSampled: 8, sampling: 'uniform:8', analysisSize: [320, 240] },
    });
    expect(results.pan.media.probe).toMatchObject({
      video: { codec: 'h264', width: 320, height: 240, frameRate: 25 },
      audio: { codec: 'aac' },
    });
    expect(results.pan.scores['audio_track.present']).toBe(1);
    // Front_Center.wav is 1.4 s against 3 s of picture
    expect(results.pan.scores['audio_track.duration_mismatch_seconds']).toBeGreaterThan(1.4);
    expect(results.pan.scores['motion.static_ratio']).toBeLessThan(0.1);
    expect(results.pan.scores['frozen_frames.ratio']).toBe(0);
    for (const stat of ['mean', 'min', 'p5']) expect(results.pan.scores[`sharpness.laplacian_variance.${stat}`]).toBeGreaterThan(0);
    expect(results.pan.fingerprints['perceptual_hash.phash']).toMatch(/^[0-9a-f]{16}$/);

    expect(results.still.scores).toMatchObject({ 'audio_track.present': 0, 'motion.static_ratio': 1, 'video_format.within_policy': 1 });
    expect(results.still.scores['frozen_frames.ratio']).toBeGreaterThan(0.9);
    expect(results.still.checks.pass).toBe(false);
    expect(results.still.checks.failures.map((f: { score: string }) => f.score)).toEqual(
      expect.arrayContaining(['frozen_frames.ratio', 'motion.subject_per_second']),
    );

    expect(results.walk.media.framesAnalysed).toBe(30); // vtest.avi is 10 fps
    // people walking past a fixed camera move more than a still photograph
    expect(results.walk.scores['motion.subject_per_second']).toBeGreaterThan(3 * results.still.scores['motion.subject_per_second']);

    expect(results.long.failure).toMatchObject({ code: 'duration_too_long' });
    expect(results.truncated.failure).toMatchObject({ code: 'container_unreadable' });
    expect(results.wav.failure).toMatchObject({ code: 'no_video_stream' });
    expect(summary.counts).toMatchObject({ completed: 3, failed: 3 });
    expect(summary.failures).toEqual({ duration_too_long: 1, no_video_stream: 1, container_unreadable: 1 });
  });

  it('compares videos with their references as ffmpeg psnr and ssim do', async () => {
    const reference = excerpt(clip('ref.mp4'), { source: VTEST_AVI, seconds: 2, width: 384, crf: 18 });
    const degraded = clip('degraded.mp4');
    ffmpeg('-i', reference, '-c:v', 'libx264', '-crf', '40', '-pix_fmt', 'yuv420p', degraded);
    const small = excerpt(clip('small.mp4'), { source: VTEST_AVI, seconds: 2, width: 192, crf: 18 });
    const { results } = await scoreRun(
      'video-reference',
      'video',
      { same: reference, degraded, small },
      { same: reference, degraded: reference, small: reference },
    );
    expect(results.same.scores['video_ssim.ssim_mean']).toBe(1);
    const expected = ffmpegFullReference(degraded, reference);
    expect(Math.abs(results.degraded.scores['video_psnr.psnr_avg_mse'] - expected.psnrY)).toBeLessThan(0.01);
    expect(Math.abs(results.degraded.scores['video_ssim.ssim_mean'] - expected.ssimY)).toBeLessThan(1e-3);
    expect(results.same.checks.pass).toBe(true);
    expect(results.degraded.checks.failures.map((f: { score: string }) => f.score)).toEqual(['video_ssim.ssim_mean']);
    // a reference of another size: the full-reference metrics say why, the asset still scores
    expect(results.small.status).toBe('completed');
    expect(results.small.metrics.find((m: { metric: string }) => m.metric === 'video_psnr').reason).toMatchObject({
      code: 'reference_size_mismatch',
    });
  });

  it('scores audio-default recordings, silence included, and refuses a video without sound', async () => {
    const words = speech(clip('words.wav'), 'Assay scores generated speech with loudness, clipping and noise checks.');
    const quiet = silence(clip('silence.wav'), 2);
    const mute = stillClip(clip('mute.mp4'), { image: photo('butterfly.jpg'), seconds: 1, width: 64, height: 64 });
    const { results, summary } = await scoreRun('audio-default', 'audio', { center: FRONT_CENTER_WAV, bell: BELL_OGA, words, quiet, mute });
    for (const id of ['center', 'bell', 'words']) {
      const expected = ffmpegLoudness({ center: FRONT_CENTER_WAV, bell: BELL_OGA, words }[id]!);
      expect(Math.abs(results[id].scores['loudness.integrated_lufs'] - expected.integratedLufs)).toBeLessThan(0.1);
      expect(Math.abs(results[id].scores['loudness.true_peak_dbtp'] - expected.truePeakDbtp)).toBeLessThan(0.1);
    }
    expect(results.bell.media.probe.audio).toMatchObject({ codec: 'vorbis', channels: 2 });
    expect(results.quiet.status).toBe('completed');
    expect(results.quiet.scores['silence.ratio']).toBe(1);
    expect(Object.values(results.quiet.scores).every((v) => Number.isFinite(v))).toBe(true);
    expect(results.mute.failure).toMatchObject({ code: 'no_audio_stream' });
    expect(summary.counts).toMatchObject({ completed: 4, failed: 1 });
    // the silence's −70 LUFS floor is flagged in its record and left out of the run's loudness statistics
    expect(results.quiet.censored).toMatchObject({ 'loudness.integrated_lufs': 'below' });
    // and the bell, shorter than one 400 ms gating block
    const floored = ['center', 'bell', 'words', 'quiet'].filter((id) => results[id].censored?.['loudness.integrated_lufs']);
    expect(floored).toEqual(['bell', 'quiet']);
    expect(summary.censored['loudness.integrated_lufs']).toEqual({ below: floored.length, above: 0 });
    expect(summary.scores['loudness.integrated_lufs'].count).toBe(4 - floored.length);
    expect(summary.scores['loudness.integrated_lufs'].min).toBeGreaterThan(-70);
  });

  it('a worker without ffmpeg refuses the video and audio suites with the reason and keeps serving images; an image-only pool needs none', async () => {
    const env = stackEnv(`${prefix}-noffmpeg`, s3.s3.endpoint, { FFMPEG_PATH: join(dir, 'no-such-ffmpeg') });
    const worker = await startService('worker', env);
    try {
      const ready = await (await fetch(`${worker.url}/readyz`)).json();
      expect(ready.ready).toBe(true);
      expect(ready.checks.suites.detail).toMatch(/video-default unavailable: .*no-such-ffmpeg/);
      expect(ready.checks.suites.detail).toMatch(/audio-default unavailable/);
      expect(ready.checks.suites.detail).not.toMatch(/image-default unavailable/);
    } finally {
      await worker.stop();
    }
    // an image-only pool (WORKER_MODALITIES) does not load video and audio suites, so it needs no ffmpeg at all
    const imageOnly = await startService('worker', { ...env, WORKER_MODALITIES: 'image' });
    try {
      const ready = await (await fetch(`${imageOnly.url}/readyz`)).json();
      expect(ready.ready).toBe(true);
      expect(ready.checks.suites.detail ?? '').not.toMatch(/video|audio|speech/);
    } finally {
      await imageOnly.stop();
      await dropPrefix(`${prefix}-noffmpeg`);
    }
  });

  it('a worker shut down mid-decode kills ffmpeg, removes the temp file and publishes no failure', async () => {
    // an ffmpeg that answers -version and otherwise hangs, recording its pid
    const fake = join(dir, 'hanging-ffmpeg');
    writeFileSync(
      fake,
      `#!/bin/sh\ncase "$*" in *-version*) echo "ffmpeg version 5.1.9-fake"; exit 0;; esac\necho $$ > "${dir}/hanging.pid"\nexec sleep 300\n`,
      { mode: 0o755 },
    );
    const tmp = mkdtempSync(join(dir, 'worker-tmp-'));
    const env = stackEnv(`${prefix}-hang`, s3.s3.endpoint, { FFMPEG_PATH: fake, TMPDIR: tmp, WORKER_SHUTDOWN_GRACE_MS: '500' });
    const ingest = await startService('ingest', env);
    const worker = await startService('worker', env);
    const hangApi = apiClient(ingest.url);
    try {
      const run = (await hangApi('POST', '/v1/runs', { name: 'hang', suite: 'audio-default' })).json;
      await hangApi('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'a', modality: 'audio' }] });
      await hangApi('PUT', `/v1/runs/${run.id}/assets/a/content`, bytesOf(FRONT_CENTER_WAV));
      const pidFile = join(dir, 'hanging.pid');
      for (let i = 0; i < 200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(readdirSync(tmp).filter((d) => d.startsWith('assay-media-'))).toHaveLength(1);

      const t = Date.now();
      expect(await worker.stop('SIGTERM')).toBe(0);
      expect(Date.now() - t).toBeLessThan(10_000);
      expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
      expect(readdirSync(tmp).filter((d) => d.startsWith('assay-media-'))).toEqual([]);
      // not the asset's fault: no failure recorded, the job waits for another worker
      const asset = (await hangApi('GET', `/v1/runs/${run.id}/assets/a`)).json;
      expect(asset.state).not.toBe('failed');
      expect(asset.result).toBeUndefined();
    } finally {
      await Promise.all([worker.stop(), ingest.stop()]);
      await dropPrefix(`${prefix}-hang`);
    }
  });

  it('scores speech with Silero VAD and DNSMOS from MODEL_DIR', async () => {
    const words = speech(
      clip('speech.wav'),
      'The quick brown fox jumps over the lazy dog. Generated speech should be clear and free of noise.',
    );
    const { results } = await scoreRun('speech-quality', 'audio', { words, quiet: silence(clip('quiet.wav'), 2) });
    expect(results.words.scores['voice_activity.speech_ratio']).toBeGreaterThan(0.5);
    expect(results.words.scores['dnsmos.ovrl']).toBeGreaterThan(1);
    expect(results.words.scores['dnsmos.ovrl']).toBeLessThan(5);
    expect(results.words.metrics.find((m: { metric: string }) => m.metric === 'dnsmos').model).toMatchObject({
      id: 'dnsmos-p835',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(results.quiet.scores['voice_activity.speech_ratio']).toBe(0);
  });
});
