import type { MediaProbe } from '@assay/contracts';
import type { DecodedImage } from './image-decode.js';

/**
 * Policy for video and audio assets, enforced from the probe before anything is decoded and again on what
 * the decoder really produces (a header can declare no length, or a wrong one).
 */
export interface MediaLimits {
  maxBytes: number;
  maxDurationSeconds: number;
  /** width × height of the video stream */
  maxVideoPixels: number;
  /** decoded video frames: bounds the per-frame statistics a job holds, whatever the timestamps say */
  maxVideoFrames: number;
  /**
   * wall-clock limit of every ffprobe process, and of a decoding ffmpeg per started minute of the asset's
   * duration (see `decodeTimeoutMs`); a process that runs over is killed
   */
  timeoutMs: number;
}

export type MediaKind = 'video' | 'audio';

/**
 * A video or audio asset on local disk (ffmpeg needs to seek in MP4 and MOV containers), probed and within
 * the limits. `close()` deletes the file; callers close in `finally`.
 */
export interface MediaFile {
  path: string;
  bytes: number;
  probe: MediaProbe;
  close(): Promise<void>;
}

/** One frame's luma (8-bit Y values), row-major, `width × height` bytes. Each frame owns its buffer. */
export interface GrayFrame {
  /** 0-based index in decode order */
  index: number;
  /** presentation time in seconds from the start of the stream */
  time: number;
  width: number;
  height: number;
  luma: Uint8Array;
}

/** Which frames are decoded in full colour for the per-frame image metrics and embeddings. */
export type FrameSampling = { mode: 'none' } | { mode: 'all' } | { mode: 'uniform'; count: number } | { mode: 'fps'; fps: number };

export interface SampledFrame {
  index: number;
  time: number;
  image: DecodedImage;
}

/** Decoded audio: float samples in [-1, 1], one array per channel at the native rate, and a 16 kHz mono copy when asked. */
export interface AudioPcm {
  sampleRate: number;
  channels: Float32Array[];
  /** resampled by ffmpeg (swresample) to 16 kHz and downmixed to mono, for models that need it */
  mono16k?: Float32Array;
  durationSeconds: number;
}
