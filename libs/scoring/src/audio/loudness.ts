import { oversampledPeak } from './swr.js';

/**
 * EBU R 128 / ITU-R BS.1770-4 loudness, as FFmpeg 5.1's `ebur128` filter measures it (libavfilter/f_ebur128.c),
 * at the native sample rate:
 * - K-weighting: the pre-filter (high shelf) and the RLB high-pass, each a biquad whose coefficients are derived
 *   for the sample rate from the analog prototype (libebur128's "unofficial reversed parametrization" that
 *   f_ebur128 uses: f0 1681.974 Hz, G 3.9998 dB, Q 0.7072; f0 38.135 Hz, Q 0.5003; bilinear transform with
 *   K = tan(π f0 / fs)); at 48 kHz they are BS.1770's published coefficients.
 * - channel weights: 1.0, 1.41 for back/side (surround) channels, 0 for LFE (excluded).
 * - a measurement every `floor(fs / 10)` samples (100 ms); momentary = mean square over the last
 *   `floor(4 fs / 10)` samples (400 ms; blocks overlap 75 %), short-term over the last `3 fs` samples (3 s);
 *   a window is measured once it is full.
 * - integrated loudness: blocks ≥ −70 LUFS (absolute gate), then blocks ≥ (their mean power in LUFS − 10 LU)
 *   (relative gate); −0.691 + 10 log10(mean power of the blocks kept).
 * - loudness range (EBU Tech 3342): short-term values ≥ −70 LUFS, then ≥ their mean power − 20 LU; LRA =
 *   high − low with low the ⌊0.10·n + 0.5⌋-th and high the ⌊0.95·n + 0.5⌋-th smallest value (FFmpeg's ranks).
 * FFmpeg quantizes block loudness into 0.01 LU histogram bins; here the block values are used exactly.
 */

export const ABSOLUTE_GATE_LUFS = -70;
const RELATIVE_GATE_LU = -10;
const LRA_RELATIVE_GATE_LU = -20;

export interface Biquad {
  b: [number, number, number];
  a: [number, number, number];
}

/** The two K-weighting biquads for a sample rate (libebur128 / f_ebur128's derivation). */
export function kWeighting(sampleRate: number): { pre: Biquad; rlb: Biquad } {
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = Math.pow(10, G / 20);
  const Vb = Math.pow(Vh, 0.4996667741545416);
  const a0 = 1 + K / Q + K * K;
  const pre: Biquad = {
    b: [(Vh + (Vb * K) / Q + K * K) / a0, (2 * (K * K - Vh)) / a0, (Vh - (Vb * K) / Q + K * K) / a0],
    a: [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0],
  };
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / sampleRate);
  const d = 1 + K / Q + K * K;
  const rlb: Biquad = { b: [1, -2, 1], a: [1, (2 * (K * K - 1)) / d, (1 - K / Q + K * K) / d] };
  return { pre, rlb };
}

/** 10 log10(power) − 0.691, the BS.1770 loudness of a (channel-weighted) mean square. */
export const loudnessOf = (power: number): number => -0.691 + 10 * Math.log10(power);

export interface LoudnessOptions {
  /** per channel (BS.1770 G_i): 1, 1.41 for surround, 0 excludes (LFE); default 1 for all */
  weights?: number[];
  /** measure true peak (swr 192 kHz oversampling, as ffmpeg `peak=true`); default true */
  truePeak?: boolean;
}

export interface LoudnessMeasurement {
  /** LUFS; null when no block passes the gates (silence, or shorter than 400 ms) */
  integrated: number | null;
  /** the relative gate of the integrated loudness (LUFS), null without blocks above the absolute gate */
  relativeThreshold: number | null;
  /** LU; 0 when no short-term value passes the gates (as ffmpeg) */
  range: number;
  rangeLow: number | null;
  rangeHigh: number | null;
  rangeThreshold: number | null;
  /** max over the 100 ms momentary (400 ms) measurements, LUFS; null when none (shorter than 400 ms, or digital silence) */
  maxMomentary: number | null;
  /** max short-term (3 s) loudness, LUFS; null when shorter than 3 s or digital silence */
  maxShortTerm: number | null;
  /** linear, max over channels; null when not measured */
  truePeak: number | null;
  truePeakPerChannel: number[] | null;
  /** linear max |x| over channels */
  samplePeak: number;
  /** momentary blocks measured / kept by both gates */
  blocks: number;
  gatedBlocks: number;
  shortTermBlocks: number;
  gatedShortTermBlocks: number;
}

/** Channel-weighted K-weighted power per 100 ms step: the sums the momentary and short-term windows need. */
function weightedPowerSteps(channels: Float32Array[], sampleRate: number, weights: number[]) {
  const n = channels[0].length;
  const hop = Math.floor(sampleRate / 10);
  const w400 = Math.floor((sampleRate * 4) / 10);
  const w3000 = sampleRate * 3;
  // each window = whole steps + a few samples (when fs is not a multiple of 10) taken from the step before
  const tail400 = w400 - 4 * hop;
  const tail3000 = w3000 - 30 * hop;
  const steps = hop > 0 ? Math.floor(n / hop) : 0;
  const sums = new Float64Array(steps);
  const tails400 = new Float64Array(steps);
  const tails3000 = new Float64Array(steps);
  const { pre, rlb } = kWeighting(sampleRate);
  const [pb0, pb1, pb2] = pre.b;
  const [, pa1, pa2] = pre.a;
  const [rb0, rb1, rb2] = rlb.b;
  const [, ra1, ra2] = rlb.a;
  for (let c = 0; c < channels.length; c++) {
    const g = weights[c];
    if (!g) continue;
    const x = channels[c];
    let x1 = 0;
    let x2 = 0;
    let y1 = 0;
    let y2 = 0;
    let z1 = 0;
    let z2 = 0;
    for (let s = 0; s < steps; s++) {
      let sum = 0;
      let t400 = 0;
      let t3000 = 0;
      const base = s * hop;
      for (let k = 0; k < hop; k++) {
        const x0 = x[base + k];
        const y0 = x0 * pb0 + x1 * pb1 + x2 * pb2 - y1 * pa1 - y2 * pa2;
        x2 = x1;
        x1 = x0;
        const z0 = y0 * rb0 + y1 * rb1 + y2 * rb2 - z1 * ra1 - z2 * ra2;
        y2 = y1;
        y1 = y0;
        z2 = z1;
        z1 = z0;
        const e = z0 * z0;
        sum += e;
        if (k >= hop - tail400) t400 += e;
        if (k >= hop - tail3000) t3000 += e;
      }
      sums[s] += g * sum;
      tails400[s] += g * t400;
      tails3000[s] += g * t3000;
    }
  }
  return { hop, w400, w3000, steps, sums, tails400, tails3000 };
}

/** Window powers at each 100 ms step once the window is full: mean of `whole` steps plus the tail of the step before. */
function windowPowers(sums: Float64Array, tails: Float64Array, whole: number, tailLength: number, length: number): number[] {
  const out: number[] = [];
  let running = 0;
  for (let s = 0; s < sums.length; s++) {
    running += sums[s];
    if (s >= whole) running -= sums[s - whole];
    if (s < whole - 1 || (tailLength > 0 && s < whole)) continue;
    const power = running + (tailLength > 0 ? tails[s - whole] : 0);
    out.push(Math.max(power, 0) / length);
  }
  return out;
}

function gate(powers: number[], relativeLu: number): { kept: number[]; threshold: number | null } {
  const aboveAbsolute = powers.filter((p) => p > 0 && loudnessOf(p) >= ABSOLUTE_GATE_LUFS);
  if (!aboveAbsolute.length) return { kept: [], threshold: null };
  const mean = aboveAbsolute.reduce((a, b) => a + b, 0) / aboveAbsolute.length;
  const threshold = loudnessOf(mean) + relativeLu;
  return { kept: aboveAbsolute.filter((p) => loudnessOf(p) >= threshold), threshold };
}

/**
 * Integrated loudness, loudness range, momentary / short-term maxima, sample and true peak of planar audio in
 * [-1, 1] at its native rate.
 */
export function measureLoudness(channels: Float32Array[], sampleRate: number, options: LoudnessOptions = {}): LoudnessMeasurement {
  const weights = options.weights ?? channels.map(() => 1);
  if (weights.length !== channels.length) throw new Error(`${weights.length} channel weights for ${channels.length} channels`);
  const { w400, w3000, hop, sums, tails400, tails3000 } = weightedPowerSteps(channels, sampleRate, weights);
  const momentary = windowPowers(sums, tails400, 4, w400 - 4 * hop, w400);
  const shortTerm = windowPowers(sums, tails3000, 30, w3000 - 30 * hop, w3000);

  const integratedGate = gate(momentary, RELATIVE_GATE_LU);
  const integrated = integratedGate.kept.length
    ? loudnessOf(integratedGate.kept.reduce((a, b) => a + b, 0) / integratedGate.kept.length)
    : null;

  const lraGate = gate(shortTerm, LRA_RELATIVE_GATE_LU);
  let range = 0;
  let rangeLow: number | null = null;
  let rangeHigh: number | null = null;
  if (lraGate.kept.length) {
    const sorted = lraGate.kept.map(loudnessOf).sort((a, b) => a - b);
    const count = sorted.length;
    // f_ebur128: nb_pow = PRC * nb_powers * 0.01 + 0.5, truncated
    const lowRank = Math.max(Math.trunc(10 * count * 0.01 + 0.5), 1);
    const highRank = Math.max(Math.trunc(95 * count * 0.01 + 0.5), 1);
    rangeLow = sorted[lowRank - 1];
    rangeHigh = sorted[highRank - 1];
    range = Math.max(rangeHigh - rangeLow, 0);
  }

  // a loop, not Math.max(...values): an hour of audio has 36 000 momentary values
  const maxOf = (values: number[]) => {
    let max = 0;
    for (const p of values) if (p > max) max = p;
    return max > 0 ? loudnessOf(max) : null;
  };

  let samplePeak = 0;
  for (const x of channels) for (let i = 0; i < x.length; i++) samplePeak = Math.max(samplePeak, Math.abs(x[i]));
  let truePeakPerChannel: number[] | null = null;
  if (options.truePeak ?? true) {
    // BS.1770-4 Annex 2: a true-peak reading is never below the sample peak
    truePeakPerChannel = channels.map((x) => {
      let sp = 0;
      for (let i = 0; i < x.length; i++) sp = Math.max(sp, Math.abs(x[i]));
      return Math.max(oversampledPeak(x, sampleRate), sp);
    });
  }
  return {
    integrated,
    relativeThreshold: integratedGate.threshold,
    range,
    rangeLow,
    rangeHigh,
    rangeThreshold: lraGate.threshold,
    maxMomentary: maxOf(momentary),
    maxShortTerm: maxOf(shortTerm),
    truePeak: truePeakPerChannel ? Math.max(0, ...truePeakPerChannel) : null,
    truePeakPerChannel,
    samplePeak,
    blocks: momentary.length,
    gatedBlocks: integratedGate.kept.length,
    shortTermBlocks: shortTerm.length,
    gatedShortTermBlocks: lraGate.kept.length,
  };
}
