import type { DecodeInfo, MediaDecodeInfo, ScoreAssetPayload } from '@assay/contracts';
import type { DecodedImage, FfmpegTools, MediaLimits } from '@assay/media';
import type { Evaluation, MetricContext, MetricTimer, ResolvedSuite } from '@assay/scoring';

/** What every modality's input preparation gets: the fetched bytes and what the job asks for. */
export interface InputSource {
  payload: ScoreAssetPayload;
  suite: ResolvedSuite;
  bytes: Uint8Array;
  referenceBytes?: Uint8Array;
  /** job cancellation: kills ffmpeg */
  signal?: AbortSignal;
}

export interface InputLimits {
  image: { maxBytes: number; maxPixels: number };
  media: MediaLimits;
  /** full-colour frames a video job may hold (per-frame metrics and embeddings read them in memory) */
  maxSampledFrames: number;
  /** the ffmpeg and ffprobe binaries (config FFMPEG_PATH, FFPROBE_PATH) */
  tools: FfmpegTools;
}

/**
 * A decoded asset, ready for its suite. Decoding is the `decode` stage; `evaluate` is the `metrics` stage.
 * Video and audio temp files are gone by the time it is returned: what the metrics read is in memory.
 */
export interface PreparedInput {
  evaluate(ctx: MetricContext, onTiming: MetricTimer): Promise<Evaluation>;
  /** image decode provenance */
  decode?: DecodeInfo;
  /** video and audio decode provenance */
  media?: MediaDecodeInfo;
  /** the image whose embeddings are stored per asset (images only) */
  embeddingSource?: DecodedImage;
}

export type PrepareInput = (source: InputSource, limits: InputLimits) => Promise<PreparedInput>;
