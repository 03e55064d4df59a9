import type { AudioPcm } from '@assay/media';
import { MetricNotApplicable, requireModelCalls, type MetricContext, type ModelCalls } from '../metric.js';
import { mono16k, requireSamples } from './pcm.js';

type SpeechTask = 'voiceActivity' | 'speechQuality';

/**
 * What a 16 kHz speech model metric starts from: the model call of its task (not applicable on a process
 * without a model registry), the 16 kHz mono samples and where they came from.
 */
export function speechModelInput<T extends SpeechTask>(pcm: AudioPcm, ctx: MetricContext, task: T, model: string) {
  requireSamples(pcm);
  const calls = requireModelCalls(ctx, model);
  const call = calls[task];
  if (!call) throw new MetricNotApplicable(`this model kit has no ${task} task for ${model}`);
  return { run: call.bind(calls) as NonNullable<ModelCalls[T]>, ...mono16k(pcm) };
}
