import { z } from 'zod';
import { defineMetric, MetricNotApplicable, requireModelCalls, type ModelRef } from '../../metric.js';
import { cosineSimilarity, mean, round } from '../../stats.js';

const Params = z
  .object({
    /** an image-embedding model of the model catalog (e.g. a CLIP image tower); no default */
    model: z.string().min(1).optional(),
  })
  .strict();

/**
 * Frame-to-frame consistency of content: cosine similarity of the image embeddings of adjacent sampled frames
 * (the suite's frame sampling decides which), from the image-embedding model named by `model`.
 */
export default defineMetric({
  name: 'temporal_consistency',
  version: '1.0.0',
  modality: 'video',
  description:
    'Mean and minimum cosine similarity of the image embeddings (param model) of adjacent sampled frames; 1 for a single sampled frame.',
  scores: [
    { key: 'mean', description: 'mean cosine similarity of adjacent sampled frames', range: [-1, 1], direction: 'higher' },
    { key: 'min', description: 'lowest cosine similarity of adjacent sampled frames', range: [-1, 1], direction: 'higher' },
  ],
  params: Params,
  modelsFor: (p) => (p.model ? [p.model] : []),
  needs: { samples: true },
  cost: 'model',
  async compute({ samples }, ctx, p) {
    if (!p.model)
      throw new MetricNotApplicable('no image-embedding model configured: set the param model to an image-embedding model of the catalog');
    const calls = requireModelCalls(ctx, p.model);
    if (!samples.length) throw new MetricNotApplicable('no sampled frames (the suite samples none)');
    const ordered = [...samples].sort((a, b) => a.index - b.index);
    let model: ModelRef | undefined;
    const vectors: Float32Array[] = [];
    for (const s of ordered) {
      const r = await calls.embedImage(p.model, s.image);
      if (!r.vector.length || !r.vector.every(Number.isFinite))
        throw new Error(`${p.model} returned a ${r.vector.length ? 'non-finite' : 'empty'} embedding for frame ${s.index}`);
      model ??= r.model;
      vectors.push(r.vector);
    }
    const sims: number[] = [];
    for (let i = 1; i < vectors.length; i++) sims.push(cosineSimilarity(vectors[i - 1], vectors[i]));
    let worst = -1;
    for (let i = 0; i < sims.length; i++) if (worst < 0 || sims[i] < sims[worst]) worst = i;
    return {
      // a single sampled frame is trivially consistent with itself
      scores: sims.length ? { mean: mean(sims), min: sims[worst] } : { mean: 1, min: 1 },
      details: {
        samples: ordered.length,
        pairs: sims.length,
        ...(worst >= 0
          ? { lowestPair: { from: ordered[worst].index, to: ordered[worst + 1].index, similarity: round(sims[worst]) } }
          : { note: 'one sampled frame: nothing to compare, scores 1' }),
      },
      model,
    };
  },
});
