import { AssayError, ErrorCode } from '@assay/contracts';
import { audioSampleBound } from './media-policy.js';
import type { MediaFile, MediaLimits } from './media-types.js';

/**
 * Holds the policy on what a decoder really produces. A header can declare no length (a FLAC whose total
 * sample count is 0, a Matroska written live) or a false one (timestamps scaled down), so the limits the
 * probe was checked against are checked again as frames and samples stream out of ffmpeg. The first one over
 * a limit throws from the pipe consumer, which kills ffmpeg (see `startTool`) and fails the asset with the
 * limit's reason code; nothing past the limit is held in memory.
 */
export class DecodeLimiter {
  private readonly declared: string;

  constructor(
    private readonly limits: MediaLimits,
    file: MediaFile,
    private readonly what: string,
  ) {
    const d = file.probe.durationSeconds;
    this.declared = d === undefined ? 'the file declares no duration' : `the file declares ${d.toFixed(3)} s`;
  }

  /** After `samplesPerChannel` samples of each of `channels` channels at `sampleRate` Hz. */
  audio(samplesPerChannel: number, channels: number, sampleRate: number): void {
    const { maxDurationSeconds } = this.limits;
    if (samplesPerChannel > maxDurationSeconds * sampleRate) {
      throw new AssayError(
        ErrorCode.DurationTooLong,
        `decoding stopped: the ${this.what} runs past ${maxDurationSeconds} s (${(samplesPerChannel / sampleRate).toFixed(3)} s decoded; ${this.declared})`,
      );
    }
    const bound = audioSampleBound(this.limits);
    if (samplesPerChannel * channels > bound) {
      throw new AssayError(
        ErrorCode.AudioTooLarge,
        `decoding stopped: the ${this.what} decodes to more than ${bound} samples (${maxDurationSeconds} s at 48 kHz ` +
          `stereo; ${channels} channels at ${sampleRate} Hz; ${this.declared})`,
      );
    }
  }

  /** Before frame `index` (0-based, decode order) is kept: the frame-count limit. */
  frame(index: number): void {
    if (index >= this.limits.maxVideoFrames) {
      throw new AssayError(
        ErrorCode.TooManyFrames,
        `decoding stopped: the ${this.what} has more than ${this.limits.maxVideoFrames} frames (${this.declared})`,
      );
    }
  }

  /** A frame that starts `time` seconds after the first: the clip lasts longer than that. */
  frameTime(time: number): void {
    const { maxDurationSeconds } = this.limits;
    if (time >= maxDurationSeconds) {
      throw new AssayError(
        ErrorCode.DurationTooLong,
        `decoding stopped: the ${this.what} runs past ${maxDurationSeconds} s (a frame at ${time.toFixed(3)} s; ${this.declared})`,
      );
    }
  }
}
