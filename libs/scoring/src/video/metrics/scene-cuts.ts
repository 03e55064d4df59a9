import { z } from 'zod';
import { defineMetric } from '../../metric.js';
import { requireFrames } from '../applicability.js';
import { scdet, seriesDuration } from '../detect.js';
import { round } from '../../stats.js';

const Params = z
  .object({
    /** ffmpeg scdet `threshold` (score 0–100) */
    threshold: z.number().min(0).max(100).default(10),
  })
  .strict();

/** Hard cuts, as ffmpeg's `scdet` finds them from the luma MAFD. */
export default defineMetric({
  name: 'scene_cuts',
  version: '1.0.0',
  modality: 'video',
  description:
    'Scene cuts as ffmpeg 5.1 scdet finds them on the luma: score = min(mafd, |mafd − previous mafd|) with mafd = ' +
    '100·mean|ΔY|/256, a cut at score ≥ threshold (10).',
  scores: [
    { key: 'count', description: 'frames starting a new scene', range: [0, null], direction: 'none' },
    { key: 'per_minute', description: 'cuts per minute of video', range: [0, null], direction: 'none', unit: '1/min' },
    { key: 'max_score', description: 'highest scdet score of any frame (0–100)', range: [0, 100], direction: 'none' },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ frames, probe }, _ctx, p) {
    requireFrames(frames, 1, 'no picture to look for cuts in');
    const det = scdet(frames, p.threshold);
    const fromFrames = seriesDuration(frames);
    const duration = fromFrames > 0 ? fromFrames : (probe.video?.durationSeconds ?? probe.durationSeconds ?? 0);
    let max = 0;
    for (const s of det.scores) if (s > max) max = s;
    return {
      scores: { count: det.cuts.length, per_minute: duration > 0 ? det.cuts.length / (duration / 60) : 0, max_score: max },
      details: {
        durationSeconds: round(duration),
        cuts: det.cuts.slice(0, 100).map((c) => ({ frame: c.frame, time: round(c.time), score: round(c.score, 3) })),
      },
    };
  },
});
