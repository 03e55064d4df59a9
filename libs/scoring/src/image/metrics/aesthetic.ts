import { z } from 'zod';
import { defineMetric, requireModelCalls } from '../../metric.js';

const Params = z.object({ model: z.string().default('laion-aesthetic-vit-b32') }).strict();

export default defineMetric({
  name: 'aesthetic',
  version: '1.0.0',
  modality: 'image',
  description:
    "An aesthetic predictor head (LAION's linear or MLP heads) over the L2-normalised CLIP image embedding of the " +
    "model its manifest chains from; LAION's scale is roughly 1–10.",
  scores: [
    { key: 'score', description: 'head output (after the manifest normalization, if any)', range: [null, null], direction: 'higher' },
  ],
  params: Params,
  modelsFor: (p) => [p.model],
  needs: {},
  cost: 'model',
  async compute({ image }, ctx, p) {
    const r = await requireModelCalls(ctx, p.model).scoreHead(p.model, image);
    return { scores: { score: r.score }, details: { raw: r.raw, embedding: r.embedding }, model: r.model };
  },
});
