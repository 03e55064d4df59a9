import { nextPow2, welchPsd } from './spectrum.js';

export interface BandwidthOptions {
  /** a band counts while its power is within this many dB of the strongest band */
  thresholdDb: number;
  /** width of the bands the spectrum is averaged into */
  bandHz: number;
}

export interface Bandwidth {
  /** upper edge of the highest band within `thresholdDb` of the strongest band (≤ Nyquist); 0 for silence */
  hz: number;
  nyquist: number;
  /** the strongest band's centre */
  peakHz: number;
  nfft: number;
  frames: number;
  silent: boolean;
}

/**
 * Effective bandwidth from the long-term average spectrum: Welch PSD (Hann, ~≤ 25 Hz bins, 50 % overlap, mean
 * removed, averaged over channels), averaged into bands of `bandHz`; the result is the upper edge of the
 * highest band whose power is within `thresholdDb` of the strongest band. Audio upsampled from a lower rate has
 * (almost) nothing above the old Nyquist frequency, so it reports about half the original rate.
 */
export function effectiveBandwidth(channels: Float32Array[], sampleRate: number, o: BandwidthOptions): Bandwidth {
  const nyquist = sampleRate / 2;
  const nfft = Math.max(64, nextPow2(sampleRate / 25));
  const psd = welchPsd(channels, sampleRate, nfft);
  const bins = psd.power.length;
  const perBand = Math.max(1, Math.round(o.bandHz / psd.binHz));
  const bands = Math.ceil(bins / perBand);
  const power = new Float64Array(bands);
  for (let b = 0; b < bands; b++) {
    let s = 0;
    let c = 0;
    for (let k = b * perBand; k < Math.min(bins, (b + 1) * perBand); k++, c++) s += psd.power[k];
    power[b] = s / c;
  }
  let peak = 0;
  for (let b = 1; b < bands; b++) if (power[b] > power[peak]) peak = b;
  if (!(power[peak] > 0)) return { hz: 0, nyquist, peakHz: 0, nfft, frames: psd.frames, silent: true };
  const floor = power[peak] * Math.pow(10, -o.thresholdDb / 10);
  let top = peak;
  for (let b = bands - 1; b > peak; b--) {
    if (power[b] >= floor) {
      top = b;
      break;
    }
  }
  const hz = Math.min(nyquist, (top + 1) * perBand * psd.binHz);
  return { hz, nyquist, peakHz: (peak + 0.5) * perBand * psd.binHz, nfft, frames: psd.frames, silent: false };
}
