import { z } from 'zod';
import { defineMetric, MetricNotApplicable, requireModelCalls } from '../../metric.js';

const Params = z.object({ model: z.string().default('image-reward') }).strict();

export default defineMetric({
  name: 'reward',
  version: '1.0.0',
  modality: 'image',
  description:
    "A reward-model judge (ImageReward / HPSv2 / PickScore-style image + prompt → scalar): the model's raw output " +
    "and its documented normalization from the manifest's `score` block.",
  scores: [
    { key: 'score', description: 'normalized reward', range: [null, null], direction: 'higher' },
    { key: 'raw', description: "the model's output before normalization", range: [null, null], direction: 'higher' },
  ],
  params: Params,
  modelsFor: (p) => [p.model],
  needs: { prompt: true },
  cost: 'model',
  async compute({ image, prompt }, ctx, p) {
    const calls = requireModelCalls(ctx, p.model);
    if (!prompt?.trim()) throw new MetricNotApplicable('needs a prompt');
    const r = await calls.scoreImageText(p.model, image, prompt);
    return { scores: { score: r.score, raw: r.raw }, details: { promptTokens: r.tokens, promptTruncated: r.truncated }, model: r.model };
  },
});
