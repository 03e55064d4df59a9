import { z } from 'zod';
import { defineMetric, MetricNotApplicable } from '../../metric.js';
import { requireFrames } from '../applicability.js';
import { cutFrames } from '../detect.js';
import { mean, quantile, round } from '../../stats.js';

const Params = z
  .object({
    /** scdet threshold: frame pairs across a scene cut are left out (a cut is not flicker) */
    cutThreshold: z.number().min(0).max(100).default(10),
    excludeCuts: z.boolean().default(true),
  })
  .strict();

/**
 * Temporal flicker: how much each frame's mean luma jumps away from its neighbours. The slow trend is removed
 * with the second difference r[i] = m[i] − (m[i−1] + m[i+1]) / 2, so a linear fade (and any steady change)
 * scores 0 while brightness alternating by Δ between frames scores Δ; pairs across a scene cut are left out.
 */
export default defineMetric({
  name: 'flicker',
  version: '1.0.0',
  modality: 'video',
  description:
    'Frame-to-frame change of mean luma with the slow trend removed (second difference), in luma levels (0–255); ' +
    'fades score ~0, alternating brightness its step.',
  scores: [
    {
      key: 'mean',
      description: 'mean |m[i] − (m[i−1] + m[i+1])/2| over frames (m = mean luma, 0–255)',
      range: [0, 255],
      direction: 'lower',
      unit: 'luma levels',
    },
    { key: 'p95', description: '95th percentile of the same', range: [0, 255], direction: 'lower', unit: 'luma levels' },
    {
      key: 'raw_mean',
      description: 'mean |m[i] − m[i−1]| without detrending (fades count)',
      range: [0, 255],
      direction: 'lower',
      unit: 'luma levels',
    },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ frames }, _ctx, p) {
    requireFrames(frames, 3, 'flicker compares each frame with both neighbours, it needs at least 3');
    const m = frames.meanLuma;
    const cut = p.excludeCuts ? cutFrames(frames, p.cutThreshold) : new Uint8Array(frames.count);
    const residuals: number[] = [];
    for (let i = 1; i + 1 < frames.count; i++) {
      if (cut[i] || cut[i + 1]) continue;
      residuals.push(Math.abs(m[i] - (m[i - 1] + m[i + 1]) / 2));
    }
    const cuts = cut.reduce((s, v) => s + v, 0);
    if (!residuals.length)
      throw new MetricNotApplicable(`every frame is next to one of the ${cuts} scene cuts: no three consecutive frames of one scene`);
    const steps: number[] = [];
    for (let i = 1; i < frames.count; i++) if (!cut[i]) steps.push(Math.abs(m[i] - m[i - 1]));
    return {
      scores: { mean: mean(residuals), p95: quantile(residuals, 0.95), raw_mean: mean(steps) },
      details: { frames: frames.count, framesScored: residuals.length, cutsExcluded: cuts, max: round(Math.max(...residuals)) },
    };
  },
});
