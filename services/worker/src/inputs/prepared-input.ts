import type { DecodeInfo, MediaDecodeInfo, MeshDecodeInfo, ScoreAssetPayload } from '@assay/contracts';
import type { DecodedImage, FfmpegTools, MediaLimits } from '@assay/media';
import type { MeshLimits } from '@assay/mesh-io';
import type { MeshRenderer } from '@assay/mesh-render';
import type { Evaluation, MetricContext, MetricTimer, ResolvedSuite } from '@assay/scoring';

/** What every modality's input preparation gets: the fetched bytes and what the job asks for. */
export interface InputSource {
  payload: ScoreAssetPayload;
  suite: ResolvedSuite;
  bytes: Uint8Array;
  referenceBytes?: Uint8Array;
  /** job cancellation: kills ffmpeg, terminates a mesh parse, closes a render */
  signal?: AbortSignal;
  /** stores a file beside the result (e.g. a rendered view) and returns its s3:// URI */
  keep: (name: string, bytes: Uint8Array, contentType: string) => Promise<string>;
}

export interface InputLimits {
  image: { maxBytes: number; maxPixels: number };
  media: MediaLimits;
  /** full-colour frames a video job may hold (per-frame metrics and embeddings read them in memory) */
  maxSampledFrames: number;
  /** the ffmpeg and ffprobe binaries (config FFMPEG_PATH, FFPROBE_PATH) */
  tools: FfmpegTools;
  mesh: MeshLimits;
  /** the process's headless browser for the views of 3D assets, launched on first use */
  renderer: () => Promise<MeshRenderer>;
  renderTimeoutMs: number;
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
  /** 3D read (and render) provenance */
  mesh?: MeshDecodeInfo;
  /** the image whose embeddings are stored per asset (images only) */
  embeddingSource?: DecodedImage;
}

export type PrepareInput = (source: InputSource, limits: InputLimits) => Promise<PreparedInput>;
