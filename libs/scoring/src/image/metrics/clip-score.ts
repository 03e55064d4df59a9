import { z } from 'zod';
import { defineMetric, MetricNotApplicable, requireModelCalls } from '../../metric.js';
import { cosineSimilarity } from '../../stats.js';

const Params = z
  .object({
    /** manifest ids of the CLIP image and text encoders (a pair exported from one CLIP model) */
    imageModel: z.string().default('clip-vit-b32-image'),
    textModel: z.string().default('clip-vit-b32-text'),
  })
  .strict();

export default defineMetric({
  name: 'clip_score',
  version: '1.0.0',
  modality: 'image',
  description:
    'CLIPScore (Hessel et al. 2021) as torchmetrics reports it: 100 × max(cos(image embedding, prompt embedding), ' +
    "0), from the manifest's CLIP image and text encoders; prompts longer than the context are truncated and flagged.",
  scores: [{ key: 'clip_score', description: '100 × max(cosine, 0)', range: [0, 100], direction: 'higher' }],
  params: Params,
  modelsFor: (p) => [p.imageModel, p.textModel],
  needs: { prompt: true },
  cost: 'model',
  async compute({ image, prompt }, ctx, p) {
    const calls = requireModelCalls(ctx, p.imageModel);
    if (!prompt?.trim()) throw new MetricNotApplicable('needs a prompt');
    const [img, txt] = await Promise.all([calls.embedImage(p.imageModel, image), calls.embedText(p.textModel, prompt)]);
    const cos = cosineSimilarity(img.vector, txt.vector);
    return {
      scores: { clip_score: 100 * Math.max(cos, 0) },
      details: { cosine: cos, promptTokens: txt.tokens, promptTruncated: txt.truncated, textModel: txt.model },
      model: img.model,
    };
  },
});
