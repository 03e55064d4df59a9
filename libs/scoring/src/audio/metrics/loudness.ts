import type { Censoring } from '@assay/contracts';
import { defineMetric } from '../../metric.js';
import { ABSOLUTE_GATE_LUFS, measureLoudness } from '../loudness.js';
import { amplitudeDb, channelNames, loudnessWeights, PEAK_FLOOR_DB, requireSamples } from '../pcm.js';

const round = (x: number | null, digits = 3) => (x === null ? null : Number(x.toFixed(digits)));

/**
 * EBU R 128 loudness (ITU-R BS.1770-4, EBU Tech 3341/3342) as FFmpeg 5.1's `ebur128=peak=true` measures it, in
 * TypeScript at the native sample rate (see ../loudness.ts). Values with no defined value are floored and
 * flagged in `details`: integrated loudness and the momentary / short-term maxima at the −70 LUFS absolute
 * gate (silence, or audio shorter than one 400 ms block / 3 s window), peaks of digital silence at −150 dB.
 */
export default defineMetric({
  name: 'loudness',
  version: '1.0.0',
  modality: 'audio',
  description:
    'EBU R 128 / BS.1770-4: integrated loudness (gated), loudness range (EBU Tech 3342), true peak (192 kHz ' +
    'oversampling as ffmpeg ebur128), sample peak, max momentary and short-term loudness.',
  scores: [
    {
      key: 'integrated_lufs',
      description: 'integrated loudness (−70 LUFS absolute and −10 LU relative gates); −70 when no block passes the gates',
      range: [ABSOLUTE_GATE_LUFS, null],
      direction: 'none',
      unit: 'LUFS',
    },
    {
      key: 'loudness_range_lu',
      description: 'loudness range: 95th − 10th percentile of gated 3 s short-term loudness; 0 when shorter than 3 s',
      range: [0, null],
      direction: 'none',
      unit: 'LU',
    },
    {
      key: 'true_peak_dbtp',
      description: 'max over channels of the 192 kHz-oversampled |x| (not below the sample peak); −150 for digital silence',
      range: [PEAK_FLOOR_DB, null],
      direction: 'lower',
      unit: 'dBTP',
    },
    {
      key: 'sample_peak_dbfs',
      description: 'max |x| over all samples; −150 for digital silence',
      range: [PEAK_FLOOR_DB, null],
      direction: 'lower',
      unit: 'dBFS',
    },
    {
      key: 'max_momentary_lufs',
      description: 'highest momentary (400 ms) loudness, floored at −70',
      range: [ABSOLUTE_GATE_LUFS, null],
      direction: 'none',
      unit: 'LUFS',
    },
    {
      key: 'max_short_term_lufs',
      description: 'highest short-term (3 s) loudness, floored at −70 (and −70 when shorter than 3 s)',
      range: [ABSOLUTE_GATE_LUFS, null],
      direction: 'none',
      unit: 'LUFS',
    },
  ],
  needs: {},
  cost: 'cpu',
  compute({ pcm, probe }) {
    requireSamples(pcm);
    const { layout, names } = channelNames(probe, pcm.channels.length);
    const weights = loudnessWeights(names);
    const m = measureLoudness(pcm.channels, pcm.sampleRate, { weights, truePeak: true });
    const floor = (x: number | null) => (x === null ? ABSOLUTE_GATE_LUFS : Math.max(x, ABSOLUTE_GATE_LUFS));
    const flags: string[] = [];
    if (m.integrated === null)
      flags.push(
        m.blocks
          ? 'integrated: no 400 ms block above the −70 LUFS gate (silence); floored at −70'
          : 'integrated: shorter than one 400 ms block; floored at −70',
      );
    if (!m.gatedShortTermBlocks)
      flags.push(m.shortTermBlocks ? 'loudness range: no 3 s window above the gates; 0' : 'loudness range: shorter than 3 s; 0');
    if (m.samplePeak === 0) flags.push('digital silence: peaks floored at −150 dB');
    const atFloor = (x: number | null) => x === null || x <= ABSOLUTE_GATE_LUFS;
    const censored: Record<string, Censoring> = {};
    for (const [key, x] of [
      ['integrated_lufs', m.integrated],
      ['max_momentary_lufs', m.maxMomentary],
      ['max_short_term_lufs', m.maxShortTerm],
    ] as const)
      if (atFloor(x)) censored[key] = 'below';
    if (m.samplePeak === 0) Object.assign(censored, { true_peak_dbtp: 'below', sample_peak_dbfs: 'below' });
    return {
      censored,
      scores: {
        integrated_lufs: floor(m.integrated),
        loudness_range_lu: m.range,
        true_peak_dbtp: amplitudeDb(m.truePeak ?? m.samplePeak),
        sample_peak_dbfs: amplitudeDb(m.samplePeak),
        max_momentary_lufs: floor(m.maxMomentary),
        max_short_term_lufs: floor(m.maxShortTerm),
      },
      details: {
        layout,
        channelWeights: weights,
        relativeThresholdLufs: round(m.relativeThreshold),
        lraThresholdLufs: round(m.rangeThreshold),
        lraLowLufs: round(m.rangeLow),
        lraHighLufs: round(m.rangeHigh),
        blocks: m.blocks,
        gatedBlocks: m.gatedBlocks,
        shortTermWindows: m.shortTermBlocks,
        gatedShortTermWindows: m.gatedShortTermBlocks,
        truePeakPerChannelDbtp: m.truePeakPerChannel?.map((p) => round(amplitudeDb(p))),
        truePeakMethod: 'libswresample port: native rate → 192 kHz (Kaiser β 9, 32 taps), as ffmpeg ebur128=peak=true',
        ...(flags.length ? { flags } : {}),
      },
    };
  },
});
