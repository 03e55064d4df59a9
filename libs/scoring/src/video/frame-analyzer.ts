import type { GrayFrame } from '@assay/media';
import type { FrameSeries } from './frame-series.js';
import { estimateMotion, motionPyramid, type MotionPyramid } from './motion.js';

/** ffmpeg `freezedetect`'s default noise tolerance (`n`, as a fraction of the luma range 0–256) */
export const FREEZEDETECT_DEFAULT_NOISE = 0.001;

export interface FrameAnalyzerOptions {
  /**
   * noise tolerance of the `freezedetect` replay (`FrameSeries.freezeMafd`); the `frozen_frames` metric is
   * exact when its `noise` parameter equals this. Default ffmpeg's 0.001.
   */
  freezeNoise?: number;
  /** how the luma values are coded (see `FrameSeries.lumaRange`); leave unset when unknown */
  lumaRange?: 'limited' | 'full';
  /** block-matching motion (≈ 70 % of the analyzer's time); default true */
  motion?: boolean;
}

/** frames per storage block */
const BLOCK = 4096;

/**
 * One per-frame column (`width` values per frame) in fixed blocks: growing never copies or doubles what is
 * stored, so a long clip costs its per-frame numbers (≈ 1.1 KB a frame with the histogram) and nothing more.
 */
class FrameColumn<A extends Float64Array | Uint32Array> {
  private readonly blocks: A[] = [];

  constructor(
    private readonly make: (length: number) => A,
    private readonly width = 1,
  ) {}

  private block(i: number): A {
    const b = Math.floor(i / BLOCK);
    while (this.blocks.length <= b) this.blocks.push(this.make(BLOCK * this.width));
    return this.blocks[b];
  }

  /** frame `i`'s (first) value */
  set(i: number, value: number): void {
    this.block(i)[(i % BLOCK) * this.width] = value;
  }

  /** frame `i`'s `width` values, writable */
  slot(i: number): A {
    const offset = (i % BLOCK) * this.width;
    return this.block(i).subarray(offset, offset + this.width) as A;
  }

  /** the first `n` frames as one contiguous array; frames never set are 0 */
  toArray(n: number): A {
    const out = this.make(n * this.width);
    for (let b = 0; b < this.blocks.length && b * BLOCK < n; b++) {
      const frames = Math.min(BLOCK, n - b * BLOCK);
      out.set(this.blocks[b].subarray(0, frames * this.width), b * BLOCK * this.width);
    }
    return out;
  }
}

const float64 = (n: number) => new Float64Array(n);

/**
 * Consumes every decoded luma frame in decode order (`update`) and keeps only per-frame numbers: time, mean
 * luma, 256-bin histogram, MAFD to the previous frame, block-matching motion and the `freezedetect` replay.
 * Holds at most three frames' luma (previous, freezedetect reference, and the motion pyramids). O(pixels) per
 * frame: one pass for mean, histogram and MAFD, one SAD pass while a freeze is in progress, and the block
 * matching (see motion.ts). Memory is ≈ 1.1 KB per frame (twice that while `series()` copies it out); the
 * decoder's frame-count limit (MAX_VIDEO_FRAMES) bounds the frames.
 */
export class FrameAnalyzer {
  private n = 0;
  private width = 0;
  private height = 0;
  private readonly freezeNoise: number;
  private readonly lumaRange?: 'limited' | 'full';
  private readonly withMotion: boolean;
  private readonly time = new FrameColumn(float64);
  private readonly meanLuma = new FrameColumn(float64);
  private readonly mafd = new FrameColumn(float64);
  private readonly motion = new FrameColumn(float64);
  private readonly motionTop = new FrameColumn(float64);
  private readonly coverage = new FrameColumn(float64);
  private readonly freezeMafd = new FrameColumn(float64);
  private readonly histograms = new FrameColumn((n) => new Uint32Array(n), 256);
  private prev?: GrayFrame;
  private freezeRef?: GrayFrame;
  private prevPyramid?: MotionPyramid;
  private sparePyramid?: MotionPyramid;

  constructor(options: FrameAnalyzerOptions = {}) {
    this.freezeNoise = options.freezeNoise ?? FREEZEDETECT_DEFAULT_NOISE;
    this.lumaRange = options.lumaRange;
    this.withMotion = options.motion ?? true;
  }

  /** frames seen so far */
  get count(): number {
    return this.n;
  }

  /** Adds the next frame (decode order). The frame's buffer is kept until the next frames replace it. */
  update(frame: GrayFrame): void {
    const { width: w, height: h, luma } = frame;
    if (!(w > 0 && h > 0) || luma.length < w * h)
      throw new Error(`frame ${frame.index}: ${w}×${h} luma needs ${w * h} bytes, got ${luma.length}`);
    if (!Number.isFinite(frame.time)) throw new Error(`frame ${frame.index}: time ${frame.time} is not finite`);
    const i = this.n;
    if (i === 0) {
      this.width = w;
      this.height = h;
    }
    const pixels = w * h;
    const hist = this.histograms.slot(i);
    const prev = this.prev && this.prev.width === w && this.prev.height === h ? this.prev.luma : undefined;
    let sum = 0;
    let sad = 0;
    if (prev) {
      for (let p = 0; p < pixels; p++) {
        const v = luma[p];
        sum += v;
        hist[v]++;
        const d = v - prev[p];
        sad += d < 0 ? -d : d;
      }
    } else {
      for (let p = 0; p < pixels; p++) {
        const v = luma[p];
        sum += v;
        hist[v]++;
      }
    }
    this.time.set(i, frame.time);
    this.meanLuma.set(i, sum / pixels);
    this.mafd.set(i, prev ? sad / pixels : 0);

    // freezedetect: compare with the reference frame (the last frame that was not frozen)
    const ref = this.freezeRef && this.freezeRef.width === w && this.freezeRef.height === h ? this.freezeRef : undefined;
    let frozen = false;
    if (ref) {
      let refSad = sad;
      if (ref !== this.prev) {
        refSad = 0;
        const r = ref.luma;
        for (let p = 0; p < pixels; p++) {
          const d = luma[p] - r[p];
          refSad += d < 0 ? -d : d;
        }
      }
      const m = refSad / pixels;
      this.freezeMafd.set(i, m);
      // ffmpeg: (double)sad / count / (1 << bitdepth) <= noise
      frozen = refSad / pixels / 256 <= this.freezeNoise;
    } else {
      this.freezeMafd.set(i, 0);
    }
    if (!frozen) this.freezeRef = frame;

    if (this.withMotion) {
      const pyramid = motionPyramid(luma, w, h, this.sparePyramid);
      if (prev && this.prevPyramid) {
        const est = estimateMotion(this.prevPyramid, pyramid);
        this.motion.set(i, est.motion);
        this.motionTop.set(i, est.top);
        this.coverage.set(i, est.coverage);
      } else {
        this.motion.set(i, 0);
        this.motionTop.set(i, 0);
        this.coverage.set(i, 0);
      }
      this.sparePyramid = this.prevPyramid;
      this.prevPyramid = pyramid;
    }
    this.prev = frame;
    this.n++;
  }

  /** The statistics of every frame seen (copies; the analyzer can keep going). */
  series(): FrameSeries {
    const n = this.n;
    return {
      count: n,
      width: this.width,
      height: this.height,
      lumaRange: this.lumaRange,
      time: this.time.toArray(n),
      meanLuma: this.meanLuma.toArray(n),
      histograms: this.histograms.toArray(n),
      mafd: this.mafd.toArray(n),
      motion: this.motion.toArray(n),
      motionMeasured: this.withMotion,
      motionTop: this.motionTop.toArray(n),
      motionCoverage: this.coverage.toArray(n),
      freezeNoise: this.freezeNoise,
      freezeMafd: this.freezeMafd.toArray(n),
    };
  }
}
