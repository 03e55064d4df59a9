/**
 * ffmpeg's detection filters replayed on a `FrameSeries` (libavfilter 5.1: vf_blackdetect.c,
 * vf_freezedetect.c, vf_scdet.c), so the video metrics report what those filters would on the same luma.
 * Times are the frames' presentation times in seconds; frame ranges are [startFrame, endFrame).
 */
import type { FrameSeries } from './frame-series.js';

/** Small slack for comparing durations computed from float seconds with ffmpeg's integer time bases. */
export const DETECT_TIME_EPS = 1e-6;

export interface DetectedInterval {
  /** seconds */
  start: number;
  /** seconds; for an interval still open at the end of the stream, the last frame's time (as ffmpeg) */
  end: number;
  startFrame: number;
  /** exclusive */
  endFrame: number;
  /** still going when the stream ended */
  open: boolean;
}

/** Typical frame interval: the median of the time steps (0 for a single frame). */
export function frameInterval(series: FrameSeries): number {
  if (series.count < 2) return 0;
  const steps: number[] = [];
  for (let i = 1; i < series.count; i++) steps.push(series.time[i] - series.time[i - 1]);
  steps.sort((x, y) => x - y);
  const mid = steps.length >> 1;
  const median = steps.length % 2 ? steps[mid] : (steps[mid - 1] + steps[mid]) / 2;
  return median > 0 && Number.isFinite(median) ? median : 0;
}

/** Duration covered by the frames: last − first time plus one frame interval. */
export function seriesDuration(series: FrameSeries): number {
  if (!series.count) return 0;
  const span = series.time[series.count - 1] - series.time[0];
  return Math.max(0, (Number.isFinite(span) ? span : 0) + frameInterval(series));
}

// ---------------------------------------------------------------- blackdetect

export interface BlackDetectOptions {
  /** `pix_th`: pixel black threshold as a fraction of the luma range (default 0.10) */
  pixelThreshold: number;
  /** `pic_th`: share of black pixels for a black picture (default 0.98) */
  pictureThreshold: number;
  /** `d`: minimum black duration in seconds (default 2) */
  minDuration: number;
  /** luma coding: limited (16–235) or full (0–255) range */
  range: 'limited' | 'full';
}

/** The luma level at or below which a pixel is black: ffmpeg's `pixel_black_th_i` (8-bit, truncated). */
export function blackPixelLevel(pixelThreshold: number, range: 'limited' | 'full'): number {
  return Math.floor(range === 'full' ? pixelThreshold * 255 : 16 + pixelThreshold * 219);
}

export interface BlackDetection {
  /** per frame: share of pixels at or below the black level */
  blackRatio: Float64Array;
  /** per frame: a black picture (ratio ≥ pic_th) */
  black: Uint8Array;
  blackFrames: number;
  /** the segments `blackdetect` reports (duration ≥ d) */
  intervals: DetectedInterval[];
  level: number;
}

/**
 * `blackdetect`: a picture is black when the share of its luma pixels ≤ the black level is ≥ pic_th; a black
 * run starts at its first black picture and ends at the first picture that is not black; it is reported when
 * end − start ≥ d. A run still black at the end of the stream ends at the last picture's time, one frame
 * short, exactly as ffmpeg does (its source notes the shortfall).
 */
export function blackdetect(series: FrameSeries, o: BlackDetectOptions): BlackDetection {
  const level = blackPixelLevel(o.pixelThreshold, o.range);
  const n = series.count;
  const blackRatio = new Float64Array(n);
  const black = new Uint8Array(n);
  const intervals: DetectedInterval[] = [];
  let blackFrames = 0;
  let started = false;
  let start = 0;
  let startFrame = 0;
  const report = (end: number, endFrame: number, open: boolean) => {
    if (end - start >= o.minDuration - DETECT_TIME_EPS) intervals.push({ start, end, startFrame, endFrame, open });
  };
  for (let i = 0; i < n; i++) {
    const hist = series.histograms.subarray(i * 256, i * 256 + 256);
    let dark = 0;
    let total = 0;
    for (let v = 0; v < 256; v++) {
      total += hist[v];
      if (v <= level) dark += hist[v];
    }
    const ratio = total ? dark / total : 0;
    blackRatio[i] = ratio;
    if (ratio >= o.pictureThreshold) {
      black[i] = 1;
      blackFrames++;
      if (!started) {
        started = true;
        start = series.time[i];
        startFrame = i;
      }
    } else if (started) {
      started = false;
      report(series.time[i], i, false);
    }
  }
  if (started) report(series.time[n - 1], n, true);
  return { blackRatio, black, blackFrames, intervals, level };
}

// ---------------------------------------------------------------- freezedetect

export interface FreezeDetectOptions {
  /** `n`: noise tolerance as a fraction of the luma range (ffmpeg divides the MAFD by 256; default 0.001) */
  noise: number;
  /** `d`: minimum freeze duration in seconds (default 2) */
  duration: number;
}

export interface FreezeDetection {
  intervals: DetectedInterval[];
  /**
   * true when the series was analysed with this noise tolerance (exact replay); false: approximated from
   * the MAFD to the previous frame (a slow drift below the tolerance per frame then counts as frozen)
   */
  exact: boolean;
}

/**
 * `freezedetect`: each frame is compared with a reference frame (the last one that was not frozen); it is
 * frozen when the mean absolute difference / 256 ≤ n. Once the time since the reference reaches d, a freeze
 * starts at the reference's time; it ends at the first frame that is not frozen. A freeze still going at the
 * end of the stream has no end in ffmpeg's log; here it is open and ends at the last frame's time.
 */
export function freezedetect(series: FrameSeries, o: FreezeDetectOptions): FreezeDetection {
  const exact = Math.abs(o.noise - series.freezeNoise) <= 1e-12;
  const diff = exact ? series.freezeMafd : series.mafd;
  const n = series.count;
  const intervals: DetectedInterval[] = [];
  let ref = 0;
  let inFreeze = false;
  let start = 0;
  let startFrame = 0;
  for (let i = 1; i < n; i++) {
    const duration = series.time[i] - series.time[ref];
    const frozen = diff[i] / 256 <= o.noise;
    if (duration >= o.duration - DETECT_TIME_EPS) {
      if (!inFreeze) {
        start = series.time[ref];
        startFrame = ref;
      }
      if (!frozen) intervals.push({ start, end: series.time[i], startFrame, endFrame: i, open: false });
      inFreeze = frozen;
    }
    if (!frozen) ref = i;
  }
  if (inFreeze) intervals.push({ start, end: series.time[n - 1], startFrame, endFrame: n, open: true });
  return { intervals, exact };
}

// ---------------------------------------------------------------- scdet

export interface SceneCut {
  frame: number;
  time: number;
  score: number;
}

export interface SceneDetection {
  /** per frame: scdet's score, 0–100 */
  scores: Float64Array;
  cuts: SceneCut[];
}

/**
 * `scdet`: mafd = 100 · Σ|Y − Y_prev| / pixels / 256, score = min(mafd, |mafd − previous mafd|) clipped to
 * [0, 100]; a frame with score ≥ threshold starts a new scene. The first frame scores 0 and, like in ffmpeg,
 * is a cut only when the threshold is 0.
 */
export function scdet(series: FrameSeries, threshold: number): SceneDetection {
  const n = series.count;
  const scores = new Float64Array(n);
  const cuts: SceneCut[] = [];
  let prevMafd = 0;
  for (let i = 0; i < n; i++) {
    let score = 0;
    if (i > 0) {
      const mafd = (series.mafd[i] * 100) / 256;
      score = Math.max(0, Math.min(100, Math.min(mafd, Math.abs(mafd - prevMafd))));
      prevMafd = mafd;
    }
    scores[i] = score;
    if (score >= threshold) cuts.push({ frame: i, time: series.time[i], score });
  }
  return { scores, cuts };
}

/** Frames that start a new scene (the pair (i−1, i) spans a cut), as a lookup. */
export function cutFrames(series: FrameSeries, threshold: number): Uint8Array {
  const at = new Uint8Array(series.count);
  for (const c of scdet(series, threshold).cuts) if (c.frame > 0) at[c.frame] = 1;
  return at;
}
