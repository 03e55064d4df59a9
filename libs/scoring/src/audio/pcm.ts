import type { MediaProbe } from '@assay/contracts';
import type { AudioPcm } from '@assay/media';
import { MetricNotApplicable } from '../metric.js';
import { resampleSwr } from './swr.js';

/** Finite floor for peaks of digital silence (dBFS / dBTP): below the 24-bit quantization step (−144.5 dBFS). */
export const PEAK_FLOOR_DB = -150;

/** Samples per channel; a metric on audio without any sample is not applicable. */
export function requireSamples(pcm: AudioPcm): number {
  const n = pcm.channels[0]?.length ?? 0;
  if (!pcm.channels.length || n === 0) throw new MetricNotApplicable('the audio has no samples');
  if (!(pcm.sampleRate > 0)) throw new MetricNotApplicable(`the audio has no sample rate (${pcm.sampleRate})`);
  return n;
}

/** 20 log10(x), at least `floor` (x = 0 is digital silence). */
export function amplitudeDb(x: number, floor = PEAK_FLOOR_DB): number {
  return x > 0 ? Math.max(20 * Math.log10(x), floor) : floor;
}

/** 10 log10(p), at least `floor`. */
export function powerDb(p: number, floor = PEAK_FLOOR_DB): number {
  return p > 0 ? Math.max(10 * Math.log10(p), floor) : floor;
}

/** The mean of the channels (float64 sums), one sample per frame. */
export function downmix(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const n = channels[0].length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const c of channels) s += c[i];
    out[i] = s / channels.length;
  }
  return out;
}

/**
 * Channels of ffmpeg's named layouts in ffmpeg's order (the order decoded PCM has). FL FR FC LFE BL BR FLC FRC
 * BC SL SR, TFL…: the names ffmpeg uses.
 */
const LAYOUTS: Record<string, string[]> = {
  mono: ['FC'],
  stereo: ['FL', 'FR'],
  '2.1': ['FL', 'FR', 'LFE'],
  '3.0': ['FL', 'FR', 'FC'],
  '3.0(back)': ['FL', 'FR', 'BC'],
  '4.0': ['FL', 'FR', 'FC', 'BC'],
  quad: ['FL', 'FR', 'BL', 'BR'],
  'quad(side)': ['FL', 'FR', 'SL', 'SR'],
  '3.1': ['FL', 'FR', 'FC', 'LFE'],
  '5.0': ['FL', 'FR', 'FC', 'BL', 'BR'],
  '5.0(side)': ['FL', 'FR', 'FC', 'SL', 'SR'],
  '4.1': ['FL', 'FR', 'FC', 'LFE', 'BC'],
  '5.1': ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR'],
  '5.1(side)': ['FL', 'FR', 'FC', 'LFE', 'SL', 'SR'],
  '6.0': ['FL', 'FR', 'FC', 'BC', 'SL', 'SR'],
  '6.0(front)': ['FL', 'FR', 'FLC', 'FRC', 'SL', 'SR'],
  hexagonal: ['FL', 'FR', 'FC', 'BL', 'BR', 'BC'],
  '6.1': ['FL', 'FR', 'FC', 'LFE', 'BC', 'SL', 'SR'],
  '6.1(back)': ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR', 'BC'],
  '6.1(front)': ['FL', 'FR', 'LFE', 'FLC', 'FRC', 'SL', 'SR'],
  '7.0': ['FL', 'FR', 'FC', 'BL', 'BR', 'SL', 'SR'],
  '7.0(front)': ['FL', 'FR', 'FC', 'FLC', 'FRC', 'SL', 'SR'],
  '7.1': ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR', 'SL', 'SR'],
  '7.1(wide)': ['FL', 'FR', 'FC', 'LFE', 'BL', 'BR', 'FLC', 'FRC'],
  '7.1(wide-side)': ['FL', 'FR', 'FC', 'LFE', 'FLC', 'FRC', 'SL', 'SR'],
  octagonal: ['FL', 'FR', 'FC', 'BL', 'BR', 'BC', 'SL', 'SR'],
  downmix: ['DL', 'DR'],
};

/** ffmpeg's default layout for a channel count (`av_channel_layout_default`). */
const DEFAULT_BY_COUNT: Record<number, string> = { 1: 'mono', 2: 'stereo', 3: '2.1', 4: '4.0', 5: '5.0', 6: '5.1', 7: '6.1', 8: '7.1' };

/** Surround channels BS.1770 weights 1.41 (+1.5 dB): ffmpeg's back/side mask. */
const SURROUND = new Set(['BL', 'BR', 'BC', 'SL', 'SR', 'TBL', 'TBC', 'TBR', 'SDL', 'SDR']);
const LFE = new Set(['LFE', 'LFE2']);

/** Channel names from the probe's layout (or ffmpeg's default for the count); `null` entries are unknown. */
export function channelNames(probe: MediaProbe | undefined, count: number): { layout: string; names: (string | null)[] } {
  const declared = probe?.audio?.channelLayout;
  const named = declared ? LAYOUTS[declared] : undefined;
  if (named && named.length === count) return { layout: declared!, names: named };
  const fallback = DEFAULT_BY_COUNT[count];
  if (fallback)
    return {
      layout: `${fallback} (assumed for ${count} channels${declared ? `; layout "${declared}" not recognized` : ''})`,
      names: LAYOUTS[fallback],
    };
  return { layout: `${count} unnamed channels`, names: Array.from({ length: count }, () => null) };
}

/** BS.1770 channel weights G_i: 0 for LFE, 1.41 for surround (back/side), 1 otherwise (and for unknown channels). */
export function loudnessWeights(names: (string | null)[]): number[] {
  return names.map((n) => (n && LFE.has(n) ? 0 : n && SURROUND.has(n) ? 1.41 : 1));
}

/**
 * 16 kHz mono: the decoder's ffmpeg-resampled copy when present; else the mean of the channels, resampled
 * here with the libswresample port (the same default filter as ffmpeg's `aresample`).
 */
export function mono16k(pcm: AudioPcm): { samples: Float32Array; source: 'decoder' | 'native' | 'assay-swr' } {
  if (pcm.mono16k && pcm.mono16k.length) return { samples: pcm.mono16k, source: 'decoder' };
  const mono = downmix(pcm.channels);
  if (pcm.sampleRate === 16000) return { samples: mono, source: 'native' };
  return { samples: resampleSwr(mono, pcm.sampleRate, 16000), source: 'assay-swr' };
}
