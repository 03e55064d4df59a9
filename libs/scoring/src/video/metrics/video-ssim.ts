import { defineMetric } from '../../metric.js';
import { mean, min, round } from '../../stats.js';
import { requireReferenceSeries, unmatchedFrames } from '../applicability.js';

/** SSIM → dB as ffmpeg reports it (10·log10(1/(1 − ssim))), capped like PSNR for identical clips. */
const SSIM_DB_CAP = 100;
const ssimDb = (s: number) => (s >= 1 ? SSIM_DB_CAP : Math.min(SSIM_DB_CAP, 10 * Math.log10(1 / (1 - s))));

/**
 * Video SSIM of the luma (Y) against the reference with ffmpeg's `ssim` filter algorithm (8×8 windows of 4×4
 * block sums, overlapping by 4 px; see video/reference-comparator.ts); `ssim_mean` is ffmpeg's summary `Y:`.
 */
export default defineMetric({
  name: 'video_ssim',
  version: '1.0.0',
  modality: 'video',
  description:
    "SSIM of Y against the reference video per frame with ffmpeg 5.1's ssim filter algorithm: mean (ffmpeg's " +
    'summary Y:) and minimum over frames, and the mean in dB.',
  scores: [
    { key: 'ssim_mean', description: "mean over frames of SSIM_Y (ffmpeg ssim's summary Y:)", range: [-1, 1], direction: 'higher' },
    { key: 'ssim_min', description: 'worst frame', range: [-1, 1], direction: 'higher' },
    {
      key: 'ssim_db',
      description: `10·log10(1/(1 − ssim_mean)), ffmpeg's dB form, at most ${SSIM_DB_CAP}`,
      range: [null, SSIM_DB_CAP],
      direction: 'higher',
      unit: 'dB',
    },
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
    const m = mean(r.ssimY);
    const worst = min(r.ssimY);
    return {
      scores: { ssim_mean: m, ssim_min: worst, ssim_db: ssimDb(m), unmatched_frames: unmatchedFrames(r) },
      details: {
        framesCompared: r.count,
        assetFrames: r.assetFrames,
        referenceFrames: r.referenceFrames,
        size: [r.width, r.height],
        worstFrame: r.ssimY.indexOf(worst),
        worstSsim: round(worst, 6),
      },
    };
  },
});
