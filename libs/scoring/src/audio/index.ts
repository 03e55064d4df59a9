export {
  ABSOLUTE_GATE_LUFS,
  kWeighting,
  loudnessOf,
  measureLoudness,
  type Biquad,
  type LoudnessMeasurement,
  type LoudnessOptions,
} from './loudness.js';
export { besselI0, oversampledPeak, resampleSwr, swrFilter, type SwrFilter, type SwrOptions } from './swr.js';
export { amplitudeDb, channelNames, downmix, loudnessWeights, mono16k, PEAK_FLOOR_DB, powerDb, requireSamples } from './pcm.js';
export { fft, hann, nextPow2, welchPsd, type Psd } from './spectrum.js';
export { effectiveBandwidth, type Bandwidth, type BandwidthOptions } from './bandwidth.js';
export { WADA_DB_MAX, WADA_DB_MIN, WADA_G, wadaSnr, withoutDigitalSilence, type WadaSnr } from './wada-snr.js';
export { getSpeechTimestamps, type SpeechSegment, type SpeechTimestampOptions } from './vad-segments.js';
