import { defineMetric, requireReference } from '../../metric.js';

/** PSNR of identical images is infinite; results must be finite, so it is capped here (and `mse` is 0). */
export const PSNR_CAP_DB = 100;

export default defineMetric({
  name: 'psnr',
  version: '1.0.0',
  modality: 'image',
  description:
    `Peak signal-to-noise ratio against the reference over all RGB samples (data range 255), capped at ` +
    `${PSNR_CAP_DB} dB; scikit-image peak_signal_noise_ratio.`,
  scores: [
    { key: 'psnr', description: `10·log10(255² / MSE), at most ${PSNR_CAP_DB}`, range: [0, PSNR_CAP_DB], direction: 'higher', unit: 'dB' },
    { key: 'mse', description: 'mean squared error over all RGB samples', range: [0, 65025], direction: 'lower' },
  ],
  needs: { reference: true },
  cost: 'cpu',
  compute(input) {
    const ref = requireReference(input);
    const a = input.image.rgb;
    const b = ref.rgb;
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
      const d = a[i] - b[i];
      sum += d * d;
    }
    const mse = sum / a.length;
    const psnr = mse === 0 ? PSNR_CAP_DB : Math.min(PSNR_CAP_DB, 10 * Math.log10((255 * 255) / mse));
    const censored = psnr >= PSNR_CAP_DB ? { psnr: 'above' as const } : undefined;
    return { scores: { psnr, mse }, censored };
  },
});
