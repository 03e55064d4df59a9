import { z } from 'zod';
import { defineMetric, MetricNotApplicable } from '../../metric.js';
import { seriesDuration } from '../detect.js';
import { round } from '../../stats.js';

const Params = z
  .object({
    minDurationSeconds: z.number().min(0).default(0),
    maxDurationSeconds: z.number().positive().optional(),
    minFrameRate: z.number().min(0).optional(),
    maxFrameRate: z.number().positive().optional(),
  })
  .strict();

/** Container-level facts of the video stream from ffprobe, checked against a policy. */
export default defineMetric({
  name: 'video_format',
  version: '1.0.0',
  modality: 'video',
  description:
    'Duration, frame rate and resolution of the video stream (ffprobe; from the decoded frames when the container ' +
    'does not say), and whether they are within the policy given by the parameters.',
  scores: [
    {
      key: 'duration_seconds',
      description: 'video stream duration (else the container’s, else from the frames)',
      range: [0, null],
      direction: 'none',
      unit: 's',
    },
    {
      key: 'frame_rate',
      description: 'average frame rate (ffprobe avg_frame_rate, else from frame times)',
      range: [0, null],
      direction: 'none',
      unit: 'frames/s',
    },
    { key: 'width', description: 'coded width of the video stream', range: [0, null], direction: 'none', unit: 'px' },
    { key: 'height', description: 'coded height of the video stream', range: [0, null], direction: 'none', unit: 'px' },
    { key: 'frame_count', description: 'frames decoded', range: [0, null], direction: 'none' },
    {
      key: 'within_policy',
      description: '1 when duration and frame rate are within the parameters, else 0',
      range: [0, 1],
      direction: 'higher',
    },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ probe, frames }, _ctx, p) {
    const video = probe.video;
    if (!video) throw new MetricNotApplicable('the probe found no video stream');
    const fromFrames = seriesDuration(frames);
    const candidates: [string, number | undefined][] = [
      ['stream', video.durationSeconds],
      ['container', probe.durationSeconds],
      ['frames', fromFrames],
    ];
    const [durationSource, duration] = (candidates.find(([, v]) => v !== undefined && Number.isFinite(v) && v > 0) ?? ['none', 0]) as [
      string,
      number,
    ];
    const span = frames.count > 1 ? frames.time[frames.count - 1] - frames.time[0] : 0;
    const estimated = span > 0 && Number.isFinite(span) ? (frames.count - 1) / span : 0;
    const probed = Number.isFinite(video.frameRate) && video.frameRate > 0;
    const frameRate = probed ? video.frameRate : estimated;
    const violations: string[] = [];
    if (duration < p.minDurationSeconds) violations.push(`duration ${round(duration, 3)} s < ${p.minDurationSeconds} s`);
    if (p.maxDurationSeconds !== undefined && duration > p.maxDurationSeconds)
      violations.push(`duration ${round(duration, 3)} s > ${p.maxDurationSeconds} s`);
    if (p.minFrameRate !== undefined && frameRate < p.minFrameRate)
      violations.push(`frame rate ${round(frameRate, 3)} < ${p.minFrameRate}`);
    if (p.maxFrameRate !== undefined && frameRate > p.maxFrameRate)
      violations.push(`frame rate ${round(frameRate, 3)} > ${p.maxFrameRate}`);
    return {
      scores: {
        duration_seconds: duration,
        frame_rate: frameRate,
        width: video.width,
        height: video.height,
        frame_count: frames.count,
        within_policy: violations.length ? 0 : 1,
      },
      details: {
        durationSource,
        frameRateSource: probed ? 'probe' : 'frames',
        codec: video.codec,
        pixelFormat: video.pixelFormat,
        container: probe.container,
        violations,
      },
    };
  },
});
