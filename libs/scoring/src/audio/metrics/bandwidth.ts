import { z } from 'zod';
import { defineMetric } from '../../metric.js';
import { effectiveBandwidth } from '../bandwidth.js';
import { requireSamples } from '../pcm.js';

const Params = z
  .object({
    /** bands within this many dB of the strongest band count as content */
    thresholdDb: z.number().positive().default(60),
    /** band width the long-term spectrum is averaged into */
    bandHz: z.number().positive().default(100),
  })
  .strict();

/**
 * Effective bandwidth: where the long-term average spectrum falls more than `thresholdDb` below its strongest
 * band for good (see ../bandwidth.ts). Catches audio upsampled from a lower rate (an 8 kHz source at 48 kHz
 * shows ~4 kHz) and low-passed or band-limited generations.
 */
export default defineMetric({
  name: 'bandwidth',
  version: '1.0.0',
  modality: 'audio',
  description:
    'Effective bandwidth: the highest frequency whose band (100 Hz) of the long-term spectrum is within 60 dB of ' +
    'the strongest band; its ratio to the Nyquist frequency.',
  scores: [
    {
      key: 'effective_hz',
      description: 'upper edge of the highest band within thresholdDb of the strongest band; 0 for silence or DC only',
      range: [0, null],
      direction: 'higher',
      unit: 'Hz',
    },
    { key: 'ratio', description: 'effective_hz / (sample rate / 2)', range: [0, 1], direction: 'higher' },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ pcm }, _ctx, p) {
    requireSamples(pcm);
    const b = effectiveBandwidth(pcm.channels, pcm.sampleRate, { thresholdDb: p.thresholdDb, bandHz: p.bandHz });
    return {
      scores: { effective_hz: b.hz, ratio: b.hz / b.nyquist },
      details: {
        nyquistHz: b.nyquist,
        peakBandHz: b.peakHz,
        nfft: b.nfft,
        frames: b.frames,
        ...(b.silent ? { flags: ['no energy besides DC: 0'] } : {}),
      },
    };
  },
});
