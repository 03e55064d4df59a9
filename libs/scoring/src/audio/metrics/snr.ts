import { z } from 'zod';
import { defineMetric, MetricNotApplicable } from '../../metric.js';
import { downmix, requireSamples } from '../pcm.js';
import { WADA_DB_MAX, WADA_DB_MIN, wadaSnr, withoutDigitalSilence } from '../wada-snr.js';

const Params = z
  .object({
    /**
     * runs of exact zeros at least this long are digital silence and left out (see withoutDigitalSilence);
     * 0 keeps every sample, as the reference `wada_snr` function does
     */
    digitalSilenceMs: z.number().nonnegative().default(2),
  })
  .strict();

/**
 * Blind SNR of speech by WADA-SNR (Kim & Stern 2008) on the mean of the channels at the native rate, after
 * leaving out digital silence; see ../wada-snr.ts for the table and its provenance. Meaningful for speech in
 * stationary noise; music and synthetic signals fall outside its model (a pure tone or square wave has
 * G ≈ 0: −20 dB).
 */
export default defineMetric({
  name: 'snr',
  version: '1.0.0',
  modality: 'audio',
  description:
    'WADA-SNR (Kim & Stern 2008): blind speech SNR from the waveform amplitude distribution (Gamma α = 0.4 table), ' +
    'digital silence (runs of exact zeros ≥ 2 ms) left out, clamped to [−20, 100] dB.',
  scores: [
    {
      key: 'snr_db',
      description: 'estimated speech-to-noise ratio of the samples that are not digital silence',
      range: [WADA_DB_MIN, WADA_DB_MAX],
      direction: 'higher',
      unit: 'dB',
    },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ pcm }, _ctx, p) {
    requireSamples(pcm);
    const mono = downmix(pcm.channels);
    const minRun = Math.max(1, Math.round((p.digitalSilenceMs * pcm.sampleRate) / 1000));
    const { samples, dropped } = p.digitalSilenceMs > 0 ? withoutDigitalSilence(mono, minRun) : { samples: mono, dropped: 0 };
    if (!samples.some((v) => v !== 0))
      throw new MetricNotApplicable('the audio is digital silence: no signal or noise to estimate an SNR from');
    const r = wadaSnr(samples);
    return {
      scores: { snr_db: r.snr },
      // past either end of the Gamma table the estimate is pinned there: the SNR is at least 100 (or at most −20) dB
      censored: r.clamped ? { snr_db: r.snr >= WADA_DB_MAX ? 'above' : 'below' } : undefined,
      details: { g: Number(r.g.toFixed(6)), clamped: r.clamped, digitalSilenceRatio: Number((dropped / mono.length).toFixed(6)) },
    };
  },
});
