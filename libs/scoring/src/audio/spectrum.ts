/** In-place iterative radix-2 complex FFT (length a power of two). */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n & (n - 1)) throw new Error(`fft length ${n} is not a power of two`);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    const half = len >> 1;
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < half; k++) {
        const a = i + k;
        const b = a + half;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

export const nextPow2 = (x: number): number => 2 ** Math.ceil(Math.log2(Math.max(x, 1)));

/** Periodic Hann window of length n (n = 1: [1]). */
export function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  if (n === 1) w[0] = 1;
  else for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

export interface Psd {
  /** power per bin 0 … nfft/2 (relative units: mean |X|² over frames and channels) */
  power: Float64Array;
  binHz: number;
  nfft: number;
  frames: number;
}

/**
 * Long-term average power spectrum (Welch): Hann windows of `nfft` samples, 50 % overlap, each channel's mean
 * removed first, |FFT|² averaged over all frames of all channels. A signal shorter than `nfft` is one frame,
 * windowed over its own length and zero-padded.
 */
export function welchPsd(channels: Float32Array[], sampleRate: number, nfft: number): Psd {
  const n = channels[0].length;
  const frameLength = Math.min(nfft, n);
  const hop = Math.max(1, frameLength >> 1);
  const w = hann(frameLength);
  const power = new Float64Array(nfft / 2 + 1);
  const re = new Float64Array(nfft);
  const im = new Float64Array(nfft);
  let frames = 0;
  for (const x of channels) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[i];
    mean /= n;
    for (let start = 0; start + frameLength <= n; start += hop) {
      re.fill(0);
      im.fill(0);
      for (let i = 0; i < frameLength; i++) re[i] = (x[start + i] - mean) * w[i];
      fft(re, im);
      for (let k = 0; k <= nfft / 2; k++) power[k] += re[k] * re[k] + im[k] * im[k];
      frames++;
    }
  }
  if (frames) for (let k = 0; k < power.length; k++) power[k] /= frames;
  return { power, binHz: sampleRate / nfft, nfft, frames };
}
