import { defineMetric, type MetricResult } from '../../metric.js';
import { seriesDuration } from '../detect.js';
import { round } from '../../stats.js';

/**
 * Whether the video carries an audio track and whether its length matches the picture. Without an audio
 * track (or when neither duration is known) only `present` is reported: a length mismatch is undefined then,
 * and scores are never made up.
 */
export default defineMetric({
  name: 'audio_track',
  version: '1.0.0',
  modality: 'video',
  description:
    'Audio track presence (ffprobe) and |audio duration − video duration|; the mismatch is absent when there is no audio track or a duration is unknown.',
  scores: [
    { key: 'present', description: '1 when the file has an audio stream, else 0', range: [0, 1], direction: 'none' },
    {
      key: 'duration_mismatch_seconds',
      description: '|audio stream duration − video stream duration| (only with an audio track)',
      range: [0, null],
      direction: 'lower',
      unit: 's',
    },
  ],
  needs: {},
  cost: 'cpu',
  compute({ probe, frames }): MetricResult {
    const audio = probe.audio;
    if (!audio) return { scores: { present: 0 }, details: { note: 'no audio stream: duration_mismatch_seconds not applicable' } };
    const fromFrames = seriesDuration(frames);
    const video = probe.video?.durationSeconds ?? (fromFrames > 0 ? fromFrames : undefined);
    const known = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v >= 0;
    const details = {
      codec: audio.codec,
      sampleRate: audio.sampleRate,
      channels: audio.channels,
      audioSeconds: audio.durationSeconds,
      videoSeconds: video,
    };
    if (!known(audio.durationSeconds) || !known(video)) {
      return {
        scores: { present: 1 },
        details: { ...details, note: 'a stream duration is unknown: duration_mismatch_seconds not reported' },
      };
    }
    return {
      scores: { present: 1, duration_mismatch_seconds: Math.abs(audio.durationSeconds - video) },
      details: { ...details, videoSeconds: round(video) },
    };
  },
});
