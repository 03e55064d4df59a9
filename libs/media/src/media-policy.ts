import { AssayError, ErrorCode, type MediaProbe } from '@assay/contracts';
import type { MediaKind, MediaLimits } from './media-types.js';

/**
 * Demuxers ffmpeg and ffprobe may use on an asset (`-format_whitelist`). Generated media arrives from
 * outside, so only plain single-file containers are allowed: no playlists or indirections (hls, dash,
 * concat, image2 patterns, tee, lavfi, sdp, rtsp…) that could make ffmpeg open other files or the network.
 * Names are ffmpeg demuxer names; `mov` covers mp4/m4a/3gp and `matroska` covers webm.
 */
export const ALLOWED_DEMUXERS: readonly string[] = [
  // video
  'mov',
  'matroska',
  'avi',
  'mpegts',
  'flv',
  'gif',
  'ivf',
  // audio
  'wav',
  'w64',
  'mp3',
  'flac',
  'ogg',
  'aac',
  'aiff',
  'caf',
];

/**
 * Input options placed before every `-i`: local files only (`-protocol_whitelist file`, and the path is
 * given as `file:<path>` so it is never read as a URL), and only the demuxers above. Nested opens inherit
 * the protocol whitelist, so even an allowed demuxer cannot reach the network. MP4's external data
 * references stay off (ffmpeg's default `enable_drefs=0`).
 */
export function inputArgs(path: string, demuxers: readonly string[] = ALLOWED_DEMUXERS): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', demuxers.join(','), '-i', `file:${path}`];
}

/** The start of every decoding ffmpeg command line: no stdin, errors only, decoder threads, then the input. */
export function decoderInputArgs(path: string, threads?: number): string[] {
  return ['-nostdin', '-hide_banner', '-nostats', '-v', 'error', ...(threads ? ['-threads', String(threads)] : []), ...inputArgs(path)];
}

/** Display size: ffmpeg rotates frames by the stream's display matrix when decoding. */
export function displaySize(video: { width: number; height: number; rotation?: number }): [number, number] {
  const quarterTurns = Math.round((video.rotation ?? 0) / 90);
  return quarterTurns % 2 !== 0 ? [video.height, video.width] : [video.width, video.height];
}

const AUDIO_BOUND_RATE = 48_000;
const AUDIO_BOUND_CHANNELS = 2;

/** Decoded PCM lives in memory: no more samples than the longest allowed clip has at 48 kHz stereo. */
export function audioSampleBound(limits: MediaLimits): number {
  return limits.maxDurationSeconds * AUDIO_BOUND_RATE * AUDIO_BOUND_CHANNELS;
}

/**
 * The policy, applied to the probe before anything is decoded. `decodable` is the set of codec names this
 * ffmpeg build can decode. Throws the first violation as an AssayError; checks run in the order: missing
 * stream, codec, duration, decoded audio size, resolution, frame count. A probe without a duration passes the
 * duration checks here; the decoders hold them on what they decode (`DecodeLimiter`).
 */
export function checkMediaPolicy(probe: MediaProbe, kind: MediaKind, limits: MediaLimits, decodable: ReadonlySet<string>): void {
  const streamList = probe.streams.length ? probe.streams.join(', ') : 'none';
  const stream = kind === 'video' ? probe.video : probe.audio;
  if (!stream) {
    throw kind === 'video'
      ? new AssayError(
          ErrorCode.NoVideoStream,
          `a video asset needs a video stream; the ${probe.container} file has streams: ${streamList}`,
        )
      : new AssayError(
          ErrorCode.NoAudioStream,
          `an audio asset needs an audio stream; the ${probe.container} file has streams: ${streamList}`,
        );
  }
  if (stream.codec === 'none' || stream.codec === 'unknown') {
    throw new AssayError(ErrorCode.UnsupportedCodec, `the ${kind} stream's codec could not be identified (${probe.container} container)`);
  }
  if (!decodable.has(stream.codec)) {
    throw new AssayError(ErrorCode.UnsupportedCodec, `the ${kind} codec ${stream.codec} has no decoder in this ffmpeg build`);
  }
  const duration = probe.durationSeconds;
  if (duration !== undefined && duration > limits.maxDurationSeconds) {
    throw new AssayError(
      ErrorCode.DurationTooLong,
      `the ${kind} lasts ${duration.toFixed(3)} s; the limit is ${limits.maxDurationSeconds} s`,
    );
  }
  if (kind === 'audio' && probe.audio && duration !== undefined) {
    const { sampleRate, channels } = probe.audio;
    const samples = duration * sampleRate * channels;
    const bound = audioSampleBound(limits);
    if (samples > bound) {
      throw new AssayError(
        ErrorCode.AudioTooLarge,
        `${duration.toFixed(3)} s × ${channels} channels × ${sampleRate} Hz is ${Math.round(samples)} samples; the ` +
          `limit is ${bound} (${limits.maxDurationSeconds} s at 48 kHz stereo)`,
      );
    }
  }
  if (kind === 'video' && probe.video) {
    const { width, height, frames } = probe.video;
    if (!width || !height) {
      throw new AssayError(
        ErrorCode.EmptyStream,
        `the video stream declares no frame size (${width}×${height}): no frame could be read while probing`,
      );
    }
    if (width * height > limits.maxVideoPixels) {
      throw new AssayError(
        ErrorCode.ResolutionTooLarge,
        `${width}×${height} is ${width * height} pixels per frame; the limit is ${limits.maxVideoPixels}`,
      );
    }
    if (frames !== undefined && frames > limits.maxVideoFrames) {
      throw new AssayError(ErrorCode.TooManyFrames, `the video declares ${frames} frames; the limit is ${limits.maxVideoFrames}`);
    }
  }
}

/**
 * The time limit of a decoding ffmpeg: `timeoutMs` per started minute of the probed duration, so a long
 * clip within the policy is not cut off while a hanging short one is still killed after `timeoutMs`. Without
 * a duration, the longest clip the policy allows (decoding stops at the limit anyway).
 */
export function decodeTimeoutMs(probe: MediaProbe, limits: MediaLimits): number {
  const seconds = probe.durationSeconds ?? limits.maxDurationSeconds;
  return limits.timeoutMs * Math.max(1, Math.ceil(seconds / 60));
}
