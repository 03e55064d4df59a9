/**
 * A port of libswresample's default resampler (FFmpeg 5.1, `resample.c` / `resample_template.c`, double
 * precision): a polyphase bank of Kaiser-windowed sincs (filter_size 32, phase_shift 10, linear_interp 1,
 * exact_rational 1, cutoff 0.97, kaiser_beta 9 — swr's defaults). Used for true peak, where it reproduces
 * the 192 kHz oversampling ffmpeg's `ebur128=peak=true` does, and to make a 16 kHz copy when the decoder did
 * not provide one.
 */

export interface SwrOptions {
  filterSize?: number;
  phaseShift?: number;
  /** ratio of the passband edge to the lower Nyquist frequency (swr: 0 means 0.97) */
  cutoff?: number;
  kaiserBeta?: number;
  exactRational?: boolean;
  linearInterp?: boolean;
}

export interface SwrFilter {
  inRate: number;
  outRate: number;
  /** resampling factor min(out · cutoff / in, 1): 1 when upsampling */
  factor: number;
  /** phases of the bank (out / gcd when that is ≤ 2^phase_shift, else 2^phase_shift) */
  phaseCount: number;
  /** taps per phase */
  taps: number;
  /** index of the centre tap of phase 0 */
  center: number;
  /** (phaseCount + 1) × taps; the extra phase is phase 0 one tap later (for linear interpolation) */
  bank: Float64Array;
  /** input phase units per output sample = dstIncr / srcIncr */
  srcIncr: number;
  dstIncr: number;
  /** outputs fall between phases (rates not exactly rational within phaseCount): linear interpolation */
  linear: boolean;
  /** max over phases of Σ|h|: |output| ≤ gain · max|input| over the taps */
  gain: number;
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

/** Modified Bessel function of the first kind, order 0, by its power series (to convergence). */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let v = 1;
  let t = 1;
  for (let i = 1; i < 500; i++) {
    t *= q / (i * i);
    const next = v + t;
    if (next === v) break;
    v = next;
  }
  return v;
}

/** swr's `resample_init` + `build_filter` for in → out Hz. */
export function swrFilter(inRate: number, outRate: number, o: SwrOptions = {}): SwrFilter {
  const filterSize = o.filterSize ?? 32;
  const phaseShift = o.phaseShift ?? 10;
  const cutoff = o.cutoff || 0.97;
  const beta = o.kaiserBeta ?? 9;
  const factor = Math.min((outRate * cutoff) / inRate, 1);
  let phaseCount = 1 << phaseShift;
  let taps = Math.max(Math.ceil(filterSize / factor), 1);
  if (taps > 1) taps += taps & 1;
  if (o.exactRational ?? true) {
    const exact = outRate / gcd(outRate, inRate);
    if (exact <= phaseCount) phaseCount = exact;
  }
  const center = (taps - 1) >> 1;
  const bank = new Float64Array((phaseCount + 1) * taps);
  const tab = (ph: number, i: number): number => {
    const x = Math.PI * (i - center - ph / phaseCount) * factor;
    let y = x === 0 ? 1 : Math.sin(x) / x;
    const w = (2 * x) / (factor * taps * Math.PI);
    y *= besselI0(beta * Math.sqrt(Math.max(1 - w * w, 0)));
    return y;
  };
  // one normalization for all phases: the sum of phase 0 (so a constant stays constant at phase 0)
  let norm = 0;
  for (let i = 0; i < taps; i++) norm += tab(0, i);
  let gain = 0;
  for (let ph = 0; ph <= phaseCount; ph++) {
    let abs = 0;
    for (let i = 0; i < taps; i++) {
      const h = tab(ph, i) / norm;
      bank[ph * taps + i] = h;
      abs += Math.abs(h);
    }
    gain = Math.max(gain, abs);
  }
  // av_reduce(&src_incr, &dst_incr, out_rate, in_rate * phase_count)
  const g = gcd(outRate, inRate * phaseCount);
  const srcIncr = outRate / g;
  const dstIncr = (inRate * phaseCount) / g;
  return {
    inRate,
    outRate,
    factor,
    phaseCount,
    taps,
    center,
    bank,
    srcIncr,
    dstIncr,
    linear: (o.linearInterp ?? true) && dstIncr % srcIncr !== 0,
    gain,
  };
}

/** Reflection of an index into [0, n) without repeating the edge sample (swr's initial-buffer mirror). */
function reflect(k: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = k % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/**
 * The samples padded as swr sees them: before the start, `invert_initial_buffer`'s mirror without the edge
 * sample (x[−k] = x[k]); after the end, `resample_flush`'s reflection with the edge sample repeated
 * (x[n − 1 + k] = x[n − k]), `taps + 1` of them. (swr reflects only half a filter's length at the end, which
 * is all the outputs up to the last input sample reach.)
 */
function padded(x: ArrayLike<number>, taps: number): Float64Array {
  const n = x.length;
  const buf = new Float64Array(taps + n + taps + 1);
  for (let k = 0; k < buf.length; k++) {
    const i = k - taps;
    const tail = 2 * n - 1 - i;
    buf[k] = x[i < n ? reflect(i, n) : tail >= 0 ? tail : reflect(i, n)];
  }
  return buf;
}

/** Output sample `j`'s position: integer input offset, phase and fraction (exact integer arithmetic, as swr steps). */
function position(f: SwrFilter, j: number): { sample: number; phase: number; frac: number } {
  // phase units × srcIncr advanced after j outputs
  const total = j * f.dstIncr;
  const perSample = f.srcIncr * f.phaseCount;
  const sample = Math.floor(total / perSample);
  const rest = total - sample * perSample;
  const phase = Math.floor(rest / f.srcIncr);
  return { sample, phase, frac: rest - phase * f.srcIncr };
}

function outputAt(f: SwrFilter, buf: Float64Array, j: number): number {
  const { sample, phase, frac } = position(f, j);
  // the first output is centred on x[0], which sits at buf[taps]
  const start = f.taps - f.center + sample;
  const h = f.bank;
  const t = f.taps;
  let val = 0;
  let o = phase * t;
  for (let i = 0; i < t; i++) val += buf[start + i] * h[o + i];
  if (f.linear && frac) {
    let v2 = 0;
    o += t;
    for (let i = 0; i < t; i++) v2 += buf[start + i] * h[o + i];
    val += ((v2 - val) / f.srcIncr) * frac;
  }
  return val;
}

/** Output samples whose centre lies on input samples [0, n): j with floor(j · dstIncr / (srcIncr · phaseCount)) < n. */
function outputCount(f: SwrFilter, n: number): number {
  return Math.ceil((n * f.srcIncr * f.phaseCount) / f.dstIncr);
}

/**
 * Resamples as `swr_convert` followed by a flush (ffmpeg's `aresample` at the end of a stream): output j is at
 * input time j · in / out, for every j up to the last input sample's time.
 */
export function resampleSwr(x: ArrayLike<number>, inRate: number, outRate: number, options?: SwrOptions): Float32Array {
  if (!x.length) return new Float32Array(0);
  if (inRate === outRate) return Float32Array.from(x);
  const f = swrFilter(inRate, outRate, options);
  const buf = padded(x, f.taps);
  const out = new Float32Array(outputCount(f, x.length));
  for (let j = 0; j < out.length; j++) out[j] = outputAt(f, buf, j);
  return out;
}

/**
 * max |x| oversampled to `outRate` the way ffmpeg 5.1's `ebur128=peak=true` measures true peak (swr from the
 * native rate to 192 kHz, default options), over every output up to the last input sample. Exact, but only
 * the stretches whose bound (filter gain × local max |x|) can beat the best value so far are evaluated.
 */
export function oversampledPeak(x: ArrayLike<number>, inRate: number, outRate = 192_000, options?: SwrOptions): number {
  const n = x.length;
  if (!n) return 0;
  const f = swrFilter(inRate, outRate, options);
  const buf = padded(x, f.taps);
  const B = 256;
  const blocks = Math.ceil(n / B);
  const blockMax = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let m = 0;
    for (let k = b * B, end = Math.min(n, (b + 1) * B); k < end; k++) m = Math.max(m, Math.abs(x[k]));
    blockMax[b] = m;
  }
  // reach of the taps around an output centred in block b: at most `taps` samples, i.e. the neighbouring blocks
  const reach = Math.ceil(f.taps / B);
  const bound = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    let m = 0;
    for (let c = Math.max(0, b - reach); c <= Math.min(blocks - 1, b + reach); c++) m = Math.max(m, blockMax[c]);
    // mirrored padding only repeats samples of the first / last `taps`, which are inside the reach
    bound[b] = m * f.gain;
  }
  const order = Array.from({ length: blocks }, (_, b) => b).sort((a, b) => bound[b] - bound[a]);
  let best = 0;
  for (const b of order) {
    if (bound[b] <= best) break;
    const first = outputCount(f, b * B);
    const last = outputCount(f, Math.min(n, (b + 1) * B));
    for (let j = first; j < last; j++) {
      const v = Math.abs(outputAt(f, buf, j));
      if (v > best) best = v;
    }
  }
  return best;
}
