import type { MediaDecodeInfo } from '@assay/contracts';
import { decodeAudio, ffmpegVersion, openMedia } from '@assay/media';
import { evaluate, type AudioInput } from '@assay/scoring';
import type { PrepareInput } from './prepared-input.js';

/**
 * Audio: probe and policy, then float PCM at the native rate; the same ffmpeg process adds the 16 kHz mono
 * copy when the suite runs a model (Silero VAD and DNSMOS take 16 kHz).
 */
export const prepareAudio: PrepareInput = async ({ payload, suite, bytes, signal }, limits) => {
  const file = await openMedia(bytes, 'audio', limits.media, { signal, tools: limits.tools });
  try {
    const pcm = await decodeAudio(file, { mono16k: suite.models.length > 0, signal });
    const input: AudioInput = { probe: file.probe, pcm, prompt: payload.prompt, attributes: payload.attributes };
    const media: MediaDecodeInfo = {
      decoder: await ffmpegVersion(limits.tools),
      probe: file.probe,
      audioSamples: pcm.channels[0].length,
      decodedSeconds: pcm.durationSeconds,
      limits: limits.media,
    };
    return { evaluate: (ctx, onTiming) => evaluate(suite.metrics, input, ctx, onTiming), media };
  } finally {
    await file.close();
  }
};
