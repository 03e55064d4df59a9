import { z } from 'zod';
import { defineMetric, MetricNotApplicable } from '../../metric.js';
import { requireFrames } from '../applicability.js';
import { freezedetect, frameInterval, DETECT_TIME_EPS } from '../detect.js';
import { round } from '../../stats.js';

const Params = z
  .object({
    /** ffmpeg freezedetect `n`: noise tolerance, a fraction of the luma range (MAFD / 256) */
    noise: z.number().min(0).max(1).default(0.001),
    /** ffmpeg freezedetect `d`: minimum freeze duration, seconds */
    duration: z.number().min(0).default(2),
  })
  .strict();

/**
 * Frozen video, as ffmpeg's `freezedetect` finds it on the luma: frames within `noise` of a reference frame
 * for at least `duration` seconds.
 */
export default defineMetric({
  name: 'frozen_frames',
  version: '1.0.0',
  modality: 'video',
  description:
    'Frozen intervals as ffmpeg 5.1 freezedetect finds them on the luma (noise n = 0.001, duration d = 2 s by ' +
    'default): share of frames inside them, their count and the longest.',
  scores: [
    { key: 'ratio', description: 'frames inside frozen intervals / frames', range: [0, 1], direction: 'lower' },
    { key: 'intervals', description: 'frozen intervals (freezedetect freeze_start events)', range: [0, null], direction: 'lower' },
    {
      key: 'longest_seconds',
      description: 'longest frozen interval (an interval open at the end runs to the end of the last frame)',
      range: [0, null],
      direction: 'lower',
      unit: 's',
    },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ frames }, _ctx, p) {
    requireFrames(frames, 2, 'a freeze is a frame repeated, it needs at least 2');
    // freezedetect reports a freeze once it has lasted d: a shorter clip can never show one
    const span = frames.time[frames.count - 1] - frames.time[0];
    if (!(span >= p.duration - DETECT_TIME_EPS)) {
      throw new MetricNotApplicable(
        `the frames span ${round(span, 3)} s, less than the minimum freeze duration (duration = ${p.duration} s): lower duration to check a clip this short`,
      );
    }
    const step = frameInterval(frames);
    // freezedetect times a picture from its first frame: with d at most a frame interval every frame lasts long enough
    if (p.duration <= step) {
      throw new MetricNotApplicable(
        `duration = ${p.duration} s is not longer than the frame interval (${round(step, 4)} s): every frame would count as frozen`,
      );
    }
    const { intervals, exact } = freezedetect(frames, { noise: p.noise, duration: p.duration });
    const lengths = intervals.map((v) => v.end - v.start + (v.open ? step : 0));
    return {
      scores: {
        ratio: intervals.reduce((s, v) => s + v.endFrame - v.startFrame, 0) / frames.count,
        intervals: intervals.length,
        longest_seconds: lengths.length ? Math.max(...lengths) : 0,
      },
      details: {
        exact,
        ...(exact
          ? {}
          : { note: `series analysed with noise ${frames.freezeNoise}: approximated from the difference to the previous frame` }),
        intervals: intervals
          .slice(0, 50)
          .map((v) => ({ start: round(v.start), end: v.open ? null : round(v.end), frames: v.endFrame - v.startFrame })),
      },
    };
  },
});
