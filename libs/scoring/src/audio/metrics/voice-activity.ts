import { z } from 'zod';
import { defineMetric } from '../../metric.js';
import { speechModelInput } from '../speech-model.js';
import { getSpeechTimestamps } from '../vad-segments.js';

const MAX_DETAIL_SEGMENTS = 50;

const Params = z
  .object({
    model: z.string().default('silero-vad'),
    /** get_speech_timestamps' arguments (its defaults) */
    threshold: z.number().min(0).max(1).default(0.5),
    negThreshold: z.number().min(0).max(1).optional(),
    minSpeechMs: z.number().nonnegative().default(250),
    minSilenceMs: z.number().nonnegative().default(100),
    speechPadMs: z.number().nonnegative().default(30),
    /** unset: no limit (Silero's default, infinity) */
    maxSpeechSeconds: z.number().positive().optional(),
  })
  .strict();

/**
 * Speech in the audio, by Silero VAD v6 on the 16 kHz mono copy: one speech probability per 32 ms chunk
 * (512 samples with 64 samples of context and the recurrent state carried, as the package's OnnxWrapper),
 * then segments by a port of `get_speech_timestamps` with its defaults (../vad-segments.ts).
 */
export default defineMetric({
  name: 'voice_activity',
  version: '1.0.0',
  modality: 'audio',
  description:
    'Silero VAD v6 (ONNX) on 16 kHz mono: speech segments by get_speech_timestamps (threshold 0.5, min speech 250 ' +
    'ms, min silence 100 ms, pad 30 ms); speech ratio, segment count, speech seconds.',
  scores: [
    { key: 'speech_ratio', description: 'speech_seconds / duration', range: [0, 1], direction: 'none' },
    { key: 'segments', description: 'number of speech segments', range: [0, null], direction: 'none' },
    {
      key: 'speech_seconds',
      description: 'total length of the speech segments (padded, as get_speech_timestamps returns them)',
      range: [0, null],
      direction: 'none',
      unit: 's',
    },
    { key: 'chunk_ratio', description: 'fraction of 32 ms chunks with speech probability ≥ threshold', range: [0, 1], direction: 'none' },
  ],
  params: Params,
  modelsFor: (p) => [p.model],
  needs: {},
  cost: 'model',
  async compute({ pcm }, ctx, p) {
    const { run, samples, source } = speechModelInput(pcm, ctx, 'voiceActivity', p.model);
    const r = await run(p.model, samples, 16000);
    const segments = getSpeechTimestamps(r.probabilities, samples.length, {
      threshold: p.threshold,
      negThreshold: p.negThreshold,
      sampleRate: 16000,
      windowSizeSamples: r.chunkSamples,
      minSpeechDurationMs: p.minSpeechMs,
      minSilenceDurationMs: p.minSilenceMs,
      speechPadMs: p.speechPadMs,
      maxSpeechDurationS: p.maxSpeechSeconds ?? Infinity,
    });
    const speechSamples = segments.reduce((s, seg) => s + (seg.end - seg.start), 0);
    let above = 0;
    for (const prob of r.probabilities) if (prob >= p.threshold) above++;
    return {
      scores: {
        speech_ratio: Math.min(1, speechSamples / samples.length),
        segments: segments.length,
        speech_seconds: speechSamples / 16000,
        chunk_ratio: above / r.probabilities.length,
      },
      details: {
        segments: segments
          .slice(0, MAX_DETAIL_SEGMENTS)
          .map((s) => ({ start: Number((s.start / 16000).toFixed(3)), end: Number((s.end / 16000).toFixed(3)) })),
        chunks: r.calls,
        chunkSamples: r.chunkSamples,
        audio16k: source,
      },
      model: r.model,
      inferenceMs: r.inferenceMs,
    };
  },
});
