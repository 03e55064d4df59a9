import { defineMetric } from '../../metric.js';
import { PSNR_CAP_DB } from '../../image/metrics/psnr.js';
import { requireReferenceSeries, unmatchedFrames } from '../applicability.js';
import { mean, round } from '../../stats.js';

const psnrOf = (mse: number) => (mse <= 0 ? PSNR_CAP_DB : Math.min(PSNR_CAP_DB, 10 * Math.log10((255 * 255) / mse)));

/**
 * Video PSNR of the luma (Y) against the reference, frame pair by frame pair in decode order, as ffmpeg's
 * `psnr` filter computes it per frame; `psnr_avg_mse` is ffmpeg's summary `y:` (PSNR of the mean MSE).
 */
export default defineMetric({
  name: 'video_psnr',
  version: '1.0.0',
  modality: 'video',
  description:
    `PSNR of Y against the reference video per frame (ffmpeg 5.1 psnr filter, data range 255), capped at ` +
    `${PSNR_CAP_DB} dB: mean and minimum over frames, and ffmpeg's summary (PSNR of the mean MSE).`,
  scores: [
    {
      key: 'psnr_mean',
      description: `mean over frames of 10·log10(255²/MSE_Y), each at most ${PSNR_CAP_DB}`,
      range: [0, PSNR_CAP_DB],
      direction: 'higher',
      unit: 'dB',
    },
    { key: 'psnr_min', description: 'worst frame', range: [0, PSNR_CAP_DB], direction: 'higher', unit: 'dB' },
    {
      key: 'psnr_avg_mse',
      description: "10·log10(255²/mean MSE_Y): ffmpeg psnr's summary y: value",
      range: [0, PSNR_CAP_DB],
      direction: 'higher',
      unit: 'dB',
    },
    { key: 'mse_mean', description: 'mean over frames of the MSE of Y', range: [0, 65025], direction: 'lower' },
    {
      key: 'unmatched_frames',
      description: '|asset frames − reference frames|: frames left without a partner',
      range: [0, null],
      direction: 'lower',
    },
  ],
  needs: { reference: true },
  cost: 'cpu',
  compute({ reference }) {
    const r = requireReferenceSeries(reference);
    const mse = r.mseY;
    let worst = PSNR_CAP_DB;
    let worstFrame = 0;
    const psnr = Array.from(mse, psnrOf);
    psnr.forEach((v, i) => {
      if (v < worst) {
        worst = v;
        worstFrame = i;
      }
    });
    const mseMean = mean(mse);
    const capped = (v: number) => v >= PSNR_CAP_DB;
    const censored = Object.fromEntries(
      // a mean over frames of which some are capped is a lower bound: the true mean is at or above it
      Object.entries({ psnr_mean: psnr.some(capped), psnr_min: capped(worst), psnr_avg_mse: capped(psnrOf(mseMean)) })
        .filter(([, c]) => c)
        .map(([k]) => [k, 'above' as const]),
    );
    return {
      censored,
      scores: {
        psnr_mean: mean(psnr),
        psnr_min: worst,
        psnr_avg_mse: psnrOf(mseMean),
        mse_mean: mseMean,
        unmatched_frames: unmatchedFrames(r),
      },
      details: {
        framesCompared: r.count,
        assetFrames: r.assetFrames,
        referenceFrames: r.referenceFrames,
        size: [r.width, r.height],
        worstFrame,
        worstPsnr: round(worst),
      },
    };
  },
});
