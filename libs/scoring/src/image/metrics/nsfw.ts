import { z } from 'zod';
import { defineMetric, requireModelCalls, type ScoreSpec } from '../../metric.js';

const Params = z.object({ model: z.string().default('nsfw-mobilenet-v2') }).strict();
export const NSFW_CLASSES = ['drawing', 'hentai', 'neutral', 'porn', 'sexy'] as const;
const UNSAFE = ['hentai', 'porn', 'sexy'];

export default defineMetric({
  name: 'nsfw',
  version: '1.0.0',
  modality: 'image',
  description:
    "The NSFW classifier nsfwjs ships (MobileNetV2, converted to ONNX by Assay's model tools): per-class " +
    'probabilities and nsfw_score = P(hentai) + P(porn) + P(sexy).',
  scores: [
    ...NSFW_CLASSES.map((c): ScoreSpec => ({
      key: c,
      description: `probability of class ${c}`,
      range: [0, 1],
      direction: UNSAFE.includes(c) ? 'lower' : 'none',
    })),
    { key: 'nsfw_score', description: 'probability mass of hentai, porn and sexy', range: [0, 1], direction: 'lower' },
  ],
  params: Params,
  modelsFor: (p) => [p.model],
  needs: {},
  cost: 'model',
  async compute({ image }, ctx, p) {
    const { probabilities, model } = await requireModelCalls(ctx, p.model).classify(p.model, image);
    const missing = NSFW_CLASSES.filter((c) => probabilities[c] === undefined);
    if (missing.length) throw new Error(`model ${p.model} has no classes ${missing.join(', ')}`);
    const scores: Record<string, number> = Object.fromEntries(NSFW_CLASSES.map((c) => [c, probabilities[c]]));
    scores.nsfw_score = UNSAFE.reduce((s, c) => s + probabilities[c], 0);
    const top = NSFW_CLASSES.reduce((a, b) => (probabilities[b] > probabilities[a] ? b : a));
    return { scores, details: { top }, model };
  },
});
