/**
 * Per-frame statistics of every decoded frame of a video (luma, scaled down to the analysis size), computed
 * in one pass while ffmpeg decodes, so temporal metrics never hold the frames themselves. Arrays are indexed
 * by frame; the first frame's difference-based values are 0. Built by `FrameAnalyzer` (frame-analyzer.ts).
 */
export interface FrameSeries {
  count: number;
  /** analysis frame size */
  width: number;
  height: number;
  /**
   * How the luma values are coded: `limited` (video range, black at 16 and white at 235: the Y plane of most
   * video as ffmpeg's filters see it) or `full` (0–255, e.g. yuvj420p). Undefined: not known to the analyzer;
   * metrics then decide from the probe's pixel format. Only `black_frames` depends on it.
   */
  lumaRange?: 'limited' | 'full';
  /** presentation time of each frame, seconds */
  time: Float64Array;
  /** mean luma, 0–255 */
  meanLuma: Float64Array;
  /** 256-bin luma histogram per frame, frame-major (`count × 256`) */
  histograms: Uint32Array;
  /** mean absolute luma difference to the previous frame, 0–255 (0 for the first frame and after a size change) */
  mafd: Float64Array;
  /**
   * motion to the previous frame: mean displacement of the textured 16×16 blocks (hierarchical block matching
   * with sub-pixel refinement, on the luma box-reduced to ≤ 320 px on the longer side), as a fraction of the
   * frame diagonal, so it does not depend on resolution; 0 for the first frame and when no block has texture
   */
  motion: Float64Array;
  /** false when the analyzer ran without block matching: `motion`, `motionTop` and `motionCoverage` are then all 0 */
  motionMeasured: boolean;
  /** mean displacement of the fastest 5 % of those blocks (at least one), same unit: a subject moving in a static shot */
  motionTop: Float64Array;
  /** share of the blocks with enough texture to be matched, 0–1 (0 for the first frame) */
  motionCoverage: Float64Array;
  /** the noise tolerance (ffmpeg `freezedetect` `n`) `freezeMafd` was computed with */
  freezeNoise: number;
  /**
   * ffmpeg `freezedetect` replay: mean absolute luma difference (0–255) to the filter's reference frame (the
   * last frame that was not frozen at `freezeNoise`), 0 for the first frame
   */
  freezeMafd: Float64Array;
}

/** Per-frame full-reference comparison of the asset with its reference video, on full-resolution luma (Y). */
export interface ReferenceSeries {
  /** frame pairs compared (the shorter of the two streams) */
  count: number;
  assetFrames: number;
  referenceFrames: number;
  width: number;
  height: number;
  /** mean squared error of Y per frame */
  mseY: Float64Array;
  /** SSIM of Y per frame (ffmpeg's `ssim` filter algorithm) */
  ssimY: Float64Array;
  /** set when a pair had different frame sizes: full-reference metrics compare same-size frames and never resize */
  sizeMismatch?: { asset: [number, number]; reference: [number, number] };
}
