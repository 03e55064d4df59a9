import { z } from 'zod';

/** The video stream ffprobe found (the first one; others are ignored). */
export const VideoStreamInfo = z.object({
  index: z.number().int(),
  codec: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  /** average frame rate (frames/s); 0 when the container does not say */
  frameRate: z.number(),
  /** frame count the container declares, when it does */
  frames: z.number().int().optional(),
  durationSeconds: z.number().optional(),
  pixelFormat: z.string().optional(),
  /** display rotation in degrees from the stream's side data (frames are decoded as displayed) */
  rotation: z.number().optional(),
});
export type VideoStreamInfo = z.infer<typeof VideoStreamInfo>;

/** The audio stream ffprobe found (the first one). */
export const AudioStreamInfo = z.object({
  index: z.number().int(),
  codec: z.string(),
  sampleRate: z.number().int(),
  channels: z.number().int(),
  channelLayout: z.string().optional(),
  durationSeconds: z.number().optional(),
});
export type AudioStreamInfo = z.infer<typeof AudioStreamInfo>;

/** What ffprobe says about a video or audio asset; checked against the policy limits before any decoding. */
export const MediaProbe = z.object({
  /** ffprobe's format_name, e.g. `mov,mp4,m4a,3gp,3g2,mj2` */
  container: z.string(),
  /**
   * Duration in seconds: the container's, else the longest stream's, else measured from the packet timestamps
   * (`durationSource`). Absent when none of them says (a live-written Matroska without timestamps): the limits
   * are then enforced while decoding only.
   */
  durationSeconds: z.number().optional(),
  durationSource: z.enum(['container', 'stream', 'packets']).optional(),
  bytes: z.number().int(),
  bitRate: z.number().optional(),
  video: VideoStreamInfo.optional(),
  audio: AudioStreamInfo.optional(),
  /** every stream's codec type, in order (video, audio, subtitle, data…) */
  streams: z.array(z.string()),
});
export type MediaProbe = z.infer<typeof MediaProbe>;

/** How a video or audio asset was decoded, recorded with its result (the image path records DecodeInfo). */
export const MediaDecodeInfo = z.object({
  decoder: z.string(),
  probe: MediaProbe,
  /** frames that went through the temporal analysis (every decoded frame) */
  framesAnalysed: z.number().int().optional(),
  /** width × height of the analysis frames (luma, scaled down) */
  analysisSize: z.tuple([z.number().int(), z.number().int()]).optional(),
  /** frames decoded in full colour for the per-frame image metrics and embeddings */
  framesSampled: z.number().int().optional(),
  sampling: z.string().optional(),
  /** decoded audio: samples per channel at the native rate */
  audioSamples: z.number().int().optional(),
  /** what was decoded, in seconds (audio: samples / rate; video: the last frame's time plus one frame): the length the limits were held to */
  decodedSeconds: z.number().optional(),
  limits: z.object({
    maxBytes: z.number().int(),
    maxDurationSeconds: z.number(),
    maxVideoPixels: z.number().int(),
    maxVideoFrames: z.number().int().optional(),
    timeoutMs: z.number().int(),
  }),
});
export type MediaDecodeInfo = z.infer<typeof MediaDecodeInfo>;
