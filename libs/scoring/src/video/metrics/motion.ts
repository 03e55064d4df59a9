import { z } from 'zod';
import { defineMetric, MetricNotApplicable } from '../../metric.js';
import { requireFrames } from '../applicability.js';
import { cutFrames, frameInterval } from '../detect.js';
import { mean, round } from '../../stats.js';

const Params = z
  .object({
    /** a frame pair moving slower than this (frame diagonals per second) counts as static */
    staticSpeed: z.number().min(0).default(0.01),
    /** scdet threshold: pairs across a scene cut are left out (a cut is not motion) */
    cutThreshold: z.number().min(0).max(100).default(10),
  })
  .strict();

/**
 * Dynamic degree: how far the picture content moves, from the analyzer's block matching (mean displacement
 * of the textured 16×16 blocks between consecutive frames, see video/motion.ts) as a fraction of the frame
 * diagonal, so the same clip scores the same at any resolution. A generated clip that barely moves is a known
 * failure; noise and compression flicker do not count as motion (unlike frame differences).
 */
export default defineMetric({
  name: 'motion',
  version: '1.0.0',
  modality: 'video',
  description:
    'Dynamic degree from block-matching motion on the luma: mean displacement per frame pair and per second as a ' +
    'fraction of the frame diagonal, the same for the fastest 5 % of blocks (subject motion), and the share of ' +
    'near-static frame pairs.',
  scores: [
    {
      key: 'mean',
      description: 'mean block displacement per frame pair / frame diagonal',
      range: [0, null],
      direction: 'none',
      unit: 'diagonals/frame',
    },
    {
      key: 'per_second',
      description: 'total displacement / elapsed time, in frame diagonals per second (independent of the frame rate)',
      range: [0, null],
      direction: 'none',
      unit: 'diagonals/s',
    },
    {
      key: 'subject_per_second',
      description:
        'the same for the fastest 5 % of the textured blocks: a subject moving in a fixed shot (people walking past a ' +
        'static camera) that barely moves the whole-frame mean',
      range: [0, null],
      direction: 'none',
      unit: 'diagonals/s',
    },
    {
      key: 'static_ratio',
      description: 'share of frame pairs slower than staticSpeed (1 for a single frame)',
      range: [0, 1],
      direction: 'lower',
    },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ frames }, _ctx, p) {
    requireFrames(frames, 1, 'no picture to measure motion on');
    if (!frames.motionMeasured)
      throw new MetricNotApplicable('the frame analysis ran without block matching (FrameAnalyzer motion: false)');
    const cut = cutFrames(frames, p.cutThreshold);
    const step = frameInterval(frames);
    const values: number[] = [];
    let distance = 0;
    let subjectDistance = 0;
    let elapsed = 0;
    let still = 0;
    for (let i = 1; i < frames.count; i++) {
      if (cut[i]) continue;
      const m = frames.motion[i];
      const dt = frames.time[i] - frames.time[i - 1];
      const seconds = dt > 0 ? dt : step;
      values.push(m);
      distance += m;
      subjectDistance += frames.motionTop[i];
      elapsed += seconds;
      if (seconds > 0 ? m / seconds < p.staticSpeed : m === 0) still++;
    }
    return {
      scores: {
        mean: mean(values),
        per_second: elapsed > 0 ? distance / elapsed : 0,
        subject_per_second: elapsed > 0 ? subjectDistance / elapsed : 0,
        static_ratio: values.length ? still / values.length : 1,
      },
      details: {
        pairs: values.length,
        cutsExcluded: cut.reduce((s, v) => s + v, 0),
        textureCoverage: round(mean(frames.motionCoverage.subarray(1))),
        ...(values.length ? {} : { note: 'no frame pair within a scene (a single frame, or only cuts): nothing moves' }),
      },
    };
  },
});
