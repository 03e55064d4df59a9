import { z } from 'zod';
import { defineMetric } from '../../metric.js';
import { requireFrames } from '../applicability.js';
import { blackdetect } from '../detect.js';
import { round } from '../../stats.js';

const Params = z
  .object({
    /** ffmpeg blackdetect `pix_th`: a pixel is black at or below this fraction of the luma range */
    pixelThreshold: z.number().min(0).max(1).default(0.1),
    /** ffmpeg blackdetect `pic_th`: a picture is black when this share of its pixels is */
    pictureThreshold: z.number().min(0).max(1).default(0.98),
    /** ffmpeg blackdetect `d`: minimum duration of a reported black segment, seconds */
    minDuration: z.number().min(0).default(2),
    /** luma coding; `auto`: the analyzer's, else full range for yuvj* pixel formats, limited otherwise */
    range: z.enum(['auto', 'limited', 'full']).default('auto'),
  })
  .strict();

/** Black pictures and black segments, as ffmpeg's `blackdetect` finds them on the luma. */
export default defineMetric({
  name: 'black_frames',
  version: '1.0.0',
  modality: 'video',
  description:
    'Black pictures and segments as ffmpeg 5.1 blackdetect finds them (pix_th 0.10 of the luma range, pic_th 0.98, ' +
    'd 2 s by default): share of black pictures, segments reported and their total duration.',
  scores: [
    { key: 'ratio', description: 'black pictures / frames (whatever the segment length)', range: [0, 1], direction: 'lower' },
    {
      key: 'segments',
      description: 'black segments of at least minDuration (blackdetect black_start/black_end)',
      range: [0, null],
      direction: 'lower',
    },
    {
      key: 'segment_seconds',
      description: 'total duration of those segments, as blackdetect reports them',
      range: [0, null],
      direction: 'lower',
      unit: 's',
    },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ frames, probe }, _ctx, p) {
    requireFrames(frames, 1, 'no picture to test for black');
    const range = p.range !== 'auto' ? p.range : (frames.lumaRange ?? (/^yuvj/.test(probe.video?.pixelFormat ?? '') ? 'full' : 'limited'));
    const det = blackdetect(frames, {
      pixelThreshold: p.pixelThreshold,
      pictureThreshold: p.pictureThreshold,
      minDuration: p.minDuration,
      range,
    });
    return {
      scores: {
        ratio: det.blackFrames / frames.count,
        segments: det.intervals.length,
        segment_seconds: det.intervals.reduce((s, v) => s + (v.end - v.start), 0),
      },
      details: {
        range,
        blackLevel: det.level,
        blackFrames: det.blackFrames,
        segments: det.intervals.slice(0, 50).map((v) => ({ start: round(v.start), end: round(v.end), frames: v.endFrame - v.startFrame })),
      },
    };
  },
});
