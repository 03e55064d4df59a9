import { endianness } from 'node:os';
import { AssayError, ErrorCode } from '@assay/contracts';
import { checkDecodeEnd, runTool, type ToolOptions } from './ffmpeg-process.js';
import { decoderSettings } from './media-context.js';
import { decoderInputArgs } from './media-policy.js';
import type { AudioPcm, MediaFile } from './media-types.js';

export const MONO_16K_RATE = 16_000;
const LITTLE_ENDIAN = endianness() === 'LE';

export interface AudioDecodeOptions extends ToolOptions {
  /** also produce a 16 kHz mono copy (resampled and downmixed by swresample in the same process) */
  mono16k: boolean;
  signal?: AbortSignal;
  /** default: the limit the file was opened with */
  timeoutMs?: number;
}

/** Collects a float32 little-endian byte stream. */
class FloatSink {
  private chunks: Buffer[] = [];
  bytes = 0;
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }
  /** whole samples only; a torn last sample cannot happen with f32le but is dropped if it did */
  floats(): Float32Array {
    const out = new Float32Array(Math.floor(this.bytes / 4));
    const bytes = new Uint8Array(out.buffer);
    let offset = 0;
    for (const chunk of this.chunks) {
      const n = Math.min(chunk.length, bytes.length - offset);
      bytes.set(chunk.subarray(0, n), offset);
      offset += n;
    }
    this.chunks = [];
    if (!LITTLE_ENDIAN) {
      const view = new DataView(out.buffer);
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    }
    return out;
  }
}

/**
 * Decodes the first audio stream to float PCM at its native rate and channel count (forced, so a
 * mid-stream layout change cannot tear the interleaving), one Float32Array per channel; with `mono16k`,
 * the same process also writes a 16 kHz mono copy to pipe 3. The downmix is ffmpeg's standard matrix
 * normalised so it cannot clip (`rematrix_maxval=1`: stereo becomes (L+R)/2). Samples from integer
 * formats lie in [-1, 1); float decoders (AAC, Vorbis, Opus, MP3) can overshoot ±1 slightly, which is kept
 * because clipping and true-peak metrics need to see it. Zero samples → `empty_stream`. The duration and
 * size limits are held on the samples as they arrive (`duration_too_long`, `audio_too_large`), whatever the
 * header declared.
 */
export async function decodeAudio(file: MediaFile, options: AudioDecodeOptions): Promise<AudioPcm> {
  const { tools, timeoutMs, limiter } = decoderSettings(file, options, 'decodeAudio', 'audio');
  const audio = file.probe.audio;
  if (!audio) throw new AssayError(ErrorCode.NoAudioStream, `the ${file.probe.container} file has no audio stream`);
  if (!(audio.sampleRate > 0) || !(audio.channels > 0)) {
    throw new AssayError(
      ErrorCode.EmptyStream,
      `the ${audio.codec} audio stream declares ${audio.channels} channels at ${audio.sampleRate} Hz`,
    );
  }
  const native = new FloatSink();
  const mono = new FloatSink();
  const args = [
    ...decoderInputArgs(file.path),
    '-map',
    `0:${audio.index}`,
    '-ac',
    String(audio.channels),
    '-ar',
    String(audio.sampleRate),
    '-c:a',
    'pcm_f32le',
    '-f',
    'f32le',
    'pipe:1',
    ...(options.mono16k
      ? [
          '-map',
          `0:${audio.index}`,
          '-af',
          `aresample=${MONO_16K_RATE}:rematrix_maxval=1,aformat=sample_fmts=flt:channel_layouts=mono`,
          '-c:a',
          'pcm_f32le',
          '-f',
          'f32le',
          'pipe:3',
        ]
      : []),
  ];
  const pipes: Record<number, (chunk: Buffer) => void> = {
    1: (c) => {
      native.push(c);
      limiter?.audio(native.bytes / 4 / audio.channels, audio.channels, audio.sampleRate);
    },
  };
  if (options.mono16k) pipes[3] = (c) => mono.push(c);
  const result = await runTool('ffmpeg', args, { ...tools, what: 'ffmpeg decoding the audio', timeoutMs, signal: options.signal, pipes });
  const channelCount = audio.channels;
  const samples = Math.floor(native.bytes / 4 / channelCount);
  checkDecodeEnd(result, samples, `${audio.codec} audio`, 'samples');
  const interleaved = native.floats();
  const channels = Array.from({ length: channelCount }, () => new Float32Array(samples));
  for (let i = 0, k = 0; i < samples; i++) {
    for (let c = 0; c < channelCount; c++) channels[c][i] = interleaved[k++];
  }
  const pcm: AudioPcm = { sampleRate: audio.sampleRate, channels, durationSeconds: samples / audio.sampleRate };
  if (options.mono16k) pcm.mono16k = mono.floats();
  return pcm;
}
