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

class Grow {
  constructor(public data: Float64Array) {}
}

/**
 * Consumes every decoded luma frame in decode order (`update`) and keeps only per-frame numbers: time, mean
 * luma, 256-bin histogram, MAFD to the previous frame, block-matching motion and the `freezedetect` replay.
 * Holds at most three frames' luma (previous, freezedetect reference, and the motion pyramids). O(pixels) per
 * frame: one pass for mean, histogram and MAFD, one SAD pass while a freeze is in progress, and the block
 * matching (see motion.ts).
 */
export class FrameAnalyzer {
  private n = 0;
  private width = 0;
  private height = 0;
  private readonly freezeNoise: number;
  private readonly lumaRange?: 'limited' | 'full';
  private readonly withMotion: boolean;
  private time = new Grow(new Float64Array(256));
  private meanLuma = new Grow(new Float64Array(256));
  private mafd = new Grow(new Float64Array(256));
  private motion = new Grow(new Float64Array(256));
  private motionTop = new Grow(new Float64Array(256));
  private coverage = new Grow(new Float64Array(256));
  private freezeMafd = new Grow(new Float64Array(256));
  private histograms = new Uint32Array(256 * 256);
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

  private ensure(): void {
    const cap = this.time.data.length;
    if (this.n < cap) return;
    for (const g of [this.time, this.meanLuma, this.mafd, this.motion, this.motionTop, this.coverage, this.freezeMafd]) {
      const next = new Float64Array(cap * 2);
      next.set(g.data);
      g.data = next;
    }
    const hist = new Uint32Array(cap * 2 * 256);
    hist.set(this.histograms);
    this.histograms = hist;
  }

  /** Adds the next frame (decode order). The frame's buffer is kept until the next frames replace it. */
  update(frame: GrayFrame): void {
    const { width: w, height: h, luma } = frame;
    if (!(w > 0 && h > 0) || luma.length < w * h) throw new Error(`frame ${frame.index}: ${w}×${h} luma needs ${w * h} bytes, got ${luma.length}`);
    if (!Number.isFinite(frame.time)) throw new Error(`frame ${frame.index}: time ${frame.time} is not finite`);
    this.ensure();
    const i = this.n;
    if (i === 0) {
      this.width = w;
      this.height = h;
    }
    const pixels = w * h;
    const hist = this.histograms.subarray(i * 256, i * 256 + 256);
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
    this.time.data[i] = frame.time;
    this.meanLuma.data[i] = sum / pixels;
    this.mafd.data[i] = prev ? sad / pixels : 0;

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
      this.freezeMafd.data[i] = m;
      // ffmpeg: (double)sad / count / (1 << bitdepth) <= noise
      frozen = refSad / pixels / 256 <= this.freezeNoise;
    } else {
      this.freezeMafd.data[i] = 0;
    }
    if (!frozen) this.freezeRef = frame;

    if (this.withMotion) {
      const pyramid = motionPyramid(luma, w, h, this.sparePyramid);
      if (prev && this.prevPyramid) {
        const est = estimateMotion(this.prevPyramid, pyramid);
        this.motion.data[i] = est.motion;
        this.motionTop.data[i] = est.top;
        this.coverage.data[i] = est.coverage;
      } else {
        this.motion.data[i] = 0;
        this.motionTop.data[i] = 0;
        this.coverage.data[i] = 0;
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
      time: this.time.data.slice(0, n),
      meanLuma: this.meanLuma.data.slice(0, n),
      histograms: this.histograms.slice(0, n * 256),
      mafd: this.mafd.data.slice(0, n),
      motion: this.motion.data.slice(0, n),
      motionMeasured: this.withMotion,
      motionTop: this.motionTop.data.slice(0, n),
      motionCoverage: this.coverage.data.slice(0, n),
      freezeNoise: this.freezeNoise,
      freezeMafd: this.freezeMafd.data.slice(0, n),
    };
  }
}
