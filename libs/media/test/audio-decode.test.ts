import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssayError, ErrorCode } from '@assay/contracts';
import { decodeAudio, MONO_16K_RATE, openMedia, type AudioPcm, type MediaFile, type MediaKind } from '@assay/media';
import {
  ALSA,
  blockedCopy,
  childProcesses,
  childRunning,
  derive,
  expectReaped,
  ffmpeg,
  ffmpegFloats,
  FREEDESKTOP,
  FRONT_CENTER_WAV,
  LIMITS,
  mediaTempDirs,
  MEGAMIND,
  ownDir,
  read,
  rejectionOf,
  toolChildren,
} from './media-fixtures.js';

let dir: ReturnType<typeof ownDir>;
let parent: ReturnType<typeof ownDir>;
const clip = (name: string) => join(dir.path, name);

beforeAll(() => {
  dir = ownDir('assay-test-media-audio-');
  parent = ownDir('assay-test-media-audio-open-');
  execFileSync('espeak-ng', ['-w', clip('speech.wav'), 'The quick brown fox jumps over the lazy dog. Assay scores generated media.']);
  // 5.1 from six real channel recordings (the LFE channel is alsa's noise test)
  const six = ['Front_Left', 'Front_Right', 'Front_Center', 'Noise', 'Rear_Left', 'Rear_Right'].flatMap((n) => ['-i', `${ALSA}/${n}.wav`]);
  ffmpeg(...six, '-filter_complex', 'join=inputs=6:channel_layout=5.1', '-c:a', 'pcm_s16le', clip('surround.wav'));
  // two different real recordings as left and right, already at 16 kHz
  ffmpeg(
    '-i',
    `${ALSA}/Front_Left.wav`,
    '-i',
    `${ALSA}/Front_Right.wav`,
    '-filter_complex',
    'join=inputs=2:channel_layout=stereo,aresample=16000',
    '-c:a',
    'pcm_s16le',
    clip('stereo16k.wav'),
  );
  ffmpeg('-i', `${FREEDESKTOP}/service-login.oga`, '-c:a', 'libopus', clip('login.webm'));
  ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo', '-t', '1', '-c:a', 'pcm_s16le', clip('silence.wav'));
});
afterAll(() => {
  dir?.remove();
  parent?.remove();
});

const open = (path: string, kind: MediaKind = 'audio') => openMedia(read(path), kind, LIMITS, { tmpDir: parent.path });

async function decoded(path: string, mono16k: boolean, spawned?: string[][]): Promise<{ pcm: AudioPcm; file: MediaFile }> {
  const file = await open(path);
  try {
    return { pcm: await decodeAudio(file, { mono16k, onSpawn: (tool, args) => spawned?.push([tool, ...args]) }), file };
  } finally {
    await file.close();
  }
}

describe('decodeAudio: PCM', () => {
  it.each([
    ['a WAV recording (s16, 48 kHz mono)', () => FRONT_CENTER_WAV, 48000, 1],
    ['espeak-ng speech (22.05 kHz mono)', () => clip('speech.wav'), 22050, 1],
    ['Vorbis, 44.1 kHz stereo', () => `${FREEDESKTOP}/complete.oga`, 44100, 2],
    ['Vorbis, 96 kHz stereo', () => `${FREEDESKTOP}/camera-shutter.oga`, 96000, 2],
    ['Vorbis, 8 kHz mono (upsampled for the copy)', () => `${FREEDESKTOP}/phone-outgoing-busy.oga`, 8000, 1],
    ['Opus in WebM', () => clip('login.webm'), 48000, 2],
    ['5.1 WAV from six recordings', () => clip('surround.wav'), 48000, 6],
    ["Megamind.avi's AC-3 track", () => MEGAMIND, 48000, 2],
  ])(
    '%s: native rate equals `ffmpeg -f f32le` exactly; the 16 kHz mono copy equals the CLI downmix',
    async (_, path, rate, channelCount) => {
      const { pcm, file } = await decoded(path(), true);
      expect(file.probe.audio).toMatchObject({ sampleRate: rate, channels: channelCount });
      expect(pcm.sampleRate).toBe(rate);
      expect(pcm.channels).toHaveLength(channelCount);
      const n = pcm.channels[0].length;
      expect(pcm.channels.every((c) => c.length === n)).toBe(true);
      expect(pcm.durationSeconds).toBe(n / rate);

      const native = ffmpegFloats('-i', path(), '-map', '0:a:0');
      expect(native.length).toBe(n * channelCount);
      for (let c = 0; c < channelCount; c++) {
        const ours = pcm.channels[c];
        let same = true;
        for (let i = 0; i < n && same; i++) same = ours[i] === native[i * channelCount + c];
        expect(same).toBe(true);
      }
      // the same swresample downmix as the CLI's -ac 1 with the same rematrix option (mixing weights scaled to sum to 1)
      const mono = ffmpegFloats('-i', path(), '-map', '0:a:0', '-rematrix_maxval', '1', '-ac', '1', '-ar', String(MONO_16K_RATE));
      const copy = pcm.mono16k!;
      expect(copy.length).toBe(mono.length);
      expect(Math.abs(copy.length - (n * MONO_16K_RATE) / rate)).toBeLessThan(1);
      let worst = 0;
      for (let i = 0; i < copy.length; i++) worst = Math.max(worst, Math.abs(copy[i] - mono[i]));
      expect(worst).toBeLessThanOrEqual(1e-6);
      // real signal, not silence
      expect(copy.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(0.01);
    },
  );

  it('downmixes stereo to (L + R) / 2, so the copy cannot clip', async () => {
    const { pcm } = await decoded(clip('stereo16k.wav'), true);
    expect(pcm.sampleRate).toBe(16000);
    const [left, right] = pcm.channels;
    const mono = pcm.mono16k!;
    expect(mono.length).toBe(left.length);
    let worst = 0;
    let differ = 0;
    for (let i = 0; i < mono.length; i++) {
      worst = Math.max(worst, Math.abs(mono[i] - (left[i] + right[i]) / 2));
      if (left[i] !== right[i]) differ++;
    }
    expect(worst).toBeLessThanOrEqual(1e-7);
    expect(differ).toBeGreaterThan(mono.length / 2);
  });

  it('silence decodes to zeros', async () => {
    const { pcm } = await decoded(clip('silence.wav'), true);
    expect(pcm.sampleRate).toBe(44100);
    expect(pcm.channels.map((c) => c.length)).toEqual([44100, 44100]);
    expect(pcm.channels.every((c) => c.every((v) => v === 0))).toBe(true);
    expect(pcm.mono16k!.length).toBe(16000);
    expect(pcm.mono16k!.every((v) => v === 0)).toBe(true);
    expect(pcm.durationSeconds).toBe(1);
  });

  it('without mono16k, one output only and no copy', async () => {
    const spawned: string[][] = [];
    const { pcm } = await decoded(FRONT_CENTER_WAV, false, spawned);
    expect(pcm.mono16k).toBeUndefined();
    expect(pcm.channels[0].length).toBe(68545);
    expect(spawned).toHaveLength(1);
    expect(spawned[0]).toContain('pipe:1');
    expect(spawned[0]).not.toContain('pipe:3');
  });
});

describe('decodeAudio: bad streams', () => {
  it('an audio stream without samples → empty_stream (WAV header only, FLAC without frames)', async () => {
    ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono', '-t', '0', '-c:a', 'pcm_s16le', clip('empty.wav'));
    ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-t', '0', '-c:a', 'flac', clip('empty.flac'));
    for (const [name, codec] of [
      ['empty.wav', 'pcm_s16le'],
      ['empty.flac', 'flac'],
    ]) {
      const err = await rejectionOf(decoded(clip(name), true));
      expect(err).toMatchObject({ code: ErrorCode.EmptyStream, message: `the ${codec} audio stream has no decodable samples` });
    }
  });

  it('an M4A whose media data is cut short → container_unreadable (found while decoding)', async () => {
    ffmpeg('-i', FRONT_CENTER_WAV, '-c:a', 'aac', '-movflags', '+faststart', clip('speech.m4a'));
    const bytes = readFileSync(clip('speech.m4a'));
    const cut = derive(dir.path, 'cut.m4a', bytes.subarray(0, bytes.length >> 1));
    const err = await rejectionOf(decoded(cut, true));
    expect(err).toMatchObject({ code: ErrorCode.ContainerUnreadable });
    expect(err.message).toMatch(/^the container is truncated: .*partial file/);
  });

  it('a file without audio → no_audio_stream, nothing spawned', async () => {
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1', '-c:v', 'mpeg4', clip('silent-film.avi'));
    const spawned: string[] = [];
    const file = await open(clip('silent-film.avi'), 'video');
    const err = await rejectionOf(decodeAudio(file, { mono16k: true, onSpawn: (tool) => spawned.push(tool) }));
    await file.close();
    expect(err).toMatchObject({ code: ErrorCode.NoAudioStream });
    expect(spawned).toEqual([]);
  });
});

describe('decodeAudio: timeout and cancellation', () => {
  /** A FIFO nobody writes to, with the probe of a real recording: ffmpeg blocks opening it until killed. */
  async function blocked(name: string): Promise<{ file: MediaFile; real: MediaFile }> {
    const real = await open(FRONT_CENTER_WAV);
    return { file: blockedCopy(real, dir.path, name), real };
  }

  it('a blocked ffmpeg is killed at the time limit → decode_timeout, reaped, temp dir removed on close', async () => {
    const { file, real } = await blocked('blocked-timeout');
    const started = performance.now();
    const pending = rejectionOf(decodeAudio(file, { mono16k: true, timeoutMs: 1000 }));
    const pid = await childRunning(file.path);
    const err = await pending;
    expect(err).toMatchObject({
      code: ErrorCode.DecodeTimeout,
      message: 'ffmpeg decoding the audio ran over the 1000 ms limit and was killed',
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expectReaped(pid);
    expect(childProcesses()).toEqual([]);
    await real.close();
    expect(mediaTempDirs(parent.path)).toEqual([]);
  });

  it('an abort kills it at once → AbortError, reaped', async () => {
    const { file, real } = await blocked('blocked-abort');
    const controller = new AbortController();
    const pending = rejectionOf(decodeAudio(file, { mono16k: true, timeoutMs: 60_000, signal: controller.signal }));
    const pid = await childRunning(file.path);
    expect(toolChildren()).toEqual([pid]);
    const aborted = performance.now();
    controller.abort(new Error('job removed'));
    const err = await pending;
    expect(performance.now() - aborted).toBeLessThan(1000);
    expect(err).toMatchObject({ name: 'AbortError', message: 'ffmpeg decoding the audio was cancelled: job removed' });
    expect(err).not.toBeInstanceOf(AssayError);
    expectReaped(pid);
    await real.close();
    expect(mediaTempDirs(parent.path)).toEqual([]);
  });
});
