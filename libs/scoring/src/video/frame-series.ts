/**
 * Per-frame statistics of every decoded frame of a video (luma, scaled down to the analysis size), computed
 * in one pass while ffmpeg decodes, so temporal metrics never hold the frames themselves. Arrays are indexed
 * by frame; the first frame's difference-based values are 0.
 */
export interface FrameSeries {
  count: number;
  /** analysis frame size */
  width: number;
  height: number;
  /** presentation time of each frame, seconds */
  time: Float64Array;
  /** mean luma, 0–255 */
  meanLuma: Float64Array;
  /** 256-bin luma histogram per frame, frame-major (`count × 256`) */
  histograms: Uint32Array;
  /** mean absolute luma difference to the previous frame, 0–255 */
  mafd: Float64Array;
  /** motion to the previous frame: mean displacement of matched blocks, in analysis-frame pixels */
  motion: Float64Array;
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
}
