/**
 * Real test audio for the audio metrics: Debian's alsa-utils and freedesktop sound-theme recordings, speech
 * synthesised by espeak-ng, and versions of them degraded by ffmpeg (noise mixed in, clipped, DC-shifted,
 * padded with silence, band-limited by resampling). Decoded as the worker decodes (decodeAudio's ffmpeg
 * arguments: native-rate f32 planar, plus ffmpeg's 16 kHz mono downmix for the models), without going
 * through @assay/media, so these tests only depend on ffmpeg.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaProbe } from '@assay/contracts';
import type { AudioPcm } from '@assay/media';
import type { AudioInput } from '@assay/scoring';

export const ALSA = '/usr/share/sounds/alsa';
export const FREEDESKTOP = '/usr/share/sounds/freedesktop/stereo';
export const MODEL_DIR = '../shared/models';
/** Silero VAD's test recording: 60 s of speech, 16 kHz mono PCM16 (../shared/models/silero-vad/SOURCE.md) */
export const SILERO_TEST_WAV = `${MODEL_DIR}/silero-vad/test.wav`;

export const SENTENCE =
  'The quick brown fox jumps over the lazy dog. Assay scores generated media, images, video and sound, for every model it is given.';

export function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function ffmpegOut(...args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', ...args], {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** float32 little-endian bytes as a Float32Array (copied: Buffer pools are not 4-byte aligned) */
function floats(b: Buffer): Float32Array {
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

/** What ffprobe says about the first audio stream, in Assay's MediaProbe shape. */
export function probeAudio(path: string): MediaProbe {
  const out = JSON.parse(
    execFileSync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'a:0',
      '-show_entries',
      'stream=index,codec_name,sample_rate,channels,channel_layout:format=format_name,duration,size',
      '-of',
      'json',
      path,
    ]).toString(),
  );
  const s = out.streams[0];
  return {
    container: out.format.format_name,
    durationSeconds: Number(out.format.duration),
    bytes: Number(out.format.size),
    streams: ['audio'],
    audio: {
      index: s.index,
      codec: s.codec_name,
      sampleRate: Number(s.sample_rate),
      channels: s.channels,
      ...(s.channel_layout ? { channelLayout: s.channel_layout } : {}),
    },
  };
}

/** Planar float PCM at the native rate and ffmpeg's 16 kHz mono copy, as decodeAudio produces them. */
export function decodePcm(path: string, probe = probeAudio(path)): AudioPcm {
  const { sampleRate, channels: count } = probe.audio!;
  const interleaved = floats(
    ffmpegOut('-i', path, '-ac', String(count), '-ar', String(sampleRate), '-c:a', 'pcm_f32le', '-f', 'f32le', 'pipe:1'),
  );
  const n = interleaved.length / count;
  const channels = Array.from({ length: count }, (_, c) => {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = interleaved[i * count + c];
    return x;
  });
  const mono16k = floats(
    ffmpegOut(
      '-i',
      path,
      '-af',
      'aresample=16000:rematrix_maxval=1,aformat=sample_fmts=flt:channel_layouts=mono',
      '-c:a',
      'pcm_f32le',
      '-f',
      'f32le',
      'pipe:1',
    ),
  );
  return { sampleRate, channels, mono16k, durationSeconds: n / sampleRate };
}

/** A metric input for the file. */
export function audioInput(path: string): AudioInput {
  const probe = probeAudio(path);
  return { probe, pcm: decodePcm(path, probe), attributes: {} };
}

export interface AudioFixtures {
  dir: string;
  /** espeak-ng, 22.05 kHz mono, ~8 s, PCM16 */
  speech: string;
  /** `speech` with 1 s of digital silence before and 2 s after */
  padded: string;
  /** `speech` + white noise (anoisesrc, amplitude 0.05) */
  noisy: string;
  /** `speech` + white noise (amplitude 0.1) */
  noisier: string;
  /** `speech` 20 dB louder, saturated by the PCM16 encoder (flat tops at full scale) */
  clipped: string;
  /** `speech` + 0.1 DC (ffmpeg dcshift) */
  dcShifted: string;
  /** alsa Front_Center.wav (48 kHz) resampled to 8 kHz and back to 48 kHz */
  upsampled8k: string;
  /** the same through 16 kHz */
  upsampled16k: string;
  /** 2 s of digital silence, stereo 48 kHz PCM16 */
  silence: string;
  cleanup(): void;
}

export function makeAudioFixtures(): AudioFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'assay-audio-test-'));
  const p = (name: string) => join(dir, name);
  execFileSync('espeak-ng', ['-w', p('speech.wav'), SENTENCE]);
  const withNoise = (amplitude: number, out: string) =>
    ffmpeg(
      '-i',
      p('speech.wav'),
      '-f',
      'lavfi',
      '-i',
      `anoisesrc=color=white:amplitude=${amplitude}:r=22050:seed=7`,
      '-filter_complex',
      '[0][1]amix=inputs=2:duration=first:normalize=0',
      p(out),
    );
  withNoise(0.05, 'noisy.wav');
  withNoise(0.1, 'noisier.wav');
  ffmpeg('-i', p('speech.wav'), '-af', 'adelay=1000:all=1,apad=pad_dur=2', p('padded.wav'));
  ffmpeg('-i', p('speech.wav'), '-af', 'volume=20dB', '-c:a', 'pcm_s16le', p('clipped.wav'));
  ffmpeg('-i', p('speech.wav'), '-af', 'dcshift=0.1', p('dc.wav'));
  ffmpeg('-i', `${ALSA}/Front_Center.wav`, '-af', 'aresample=8000,aresample=48000', p('up8k.wav'));
  ffmpeg('-i', `${ALSA}/Front_Center.wav`, '-af', 'aresample=16000,aresample=48000', p('up16k.wav'));
  ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-t', '2', '-c:a', 'pcm_s16le', p('silence.wav'));
  return {
    dir,
    speech: p('speech.wav'),
    padded: p('padded.wav'),
    noisy: p('noisy.wav'),
    noisier: p('noisier.wav'),
    clipped: p('clipped.wav'),
    dcShifted: p('dc.wav'),
    upsampled8k: p('up8k.wav'),
    upsampled16k: p('up16k.wav'),
    silence: p('silence.wav'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
