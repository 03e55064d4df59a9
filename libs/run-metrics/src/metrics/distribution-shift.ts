import { SetDistances } from '@assay/contracts';
import { PRDC_K } from '@assay/distribution';
import { z } from 'zod';
import { defineRunMetric } from '../run-metric.js';
import { addEmbeddings, distances, mergeEmbeddingSets, type EmbeddingSets } from '../lib/embedding-sets.js';

export default defineRunMetric({
  name: 'distribution_shift',
  version: '1.0.0',
  description:
    'For every feature extractor both runs stored embeddings of: the candidate’s embeddings measured against the baseline’s as the ' +
    'reference — Fréchet distance from the full sets’ moments, KID (clean-fid’s subsets), CMMD (biased, as google-research/cmmd) and ' +
    'precision/recall/density/coverage (k = 5) on bounded samples.',
  scope: 'comparison',
  inputs: ['embeddings'],
  result: z.object({ distribution: z.array(SetDistances) }),
  init: (): Record<'baseline' | 'candidate', EmbeddingSets> => ({ baseline: {}, candidate: {} }),
  update(state, record, at) {
    if (at.side !== 'run') addEmbeddings(state[at.side], record, at);
  },
  merge(into, later) {
    mergeEmbeddingSets(into.baseline, later.baseline);
    mergeEmbeddingSets(into.candidate, later.candidate);
  },
  compute(state, { settings }) {
    const usable = (key: string) => [state.baseline[key], state.candidate[key]].every((s) => s && s.set.sample.ids.length > PRDC_K);
    return {
      distribution: Object.keys(state.candidate)
        .filter(usable)
        .sort()
        .map((key) => distances(state.baseline[key], state.candidate[key], settings.seed)),
    };
  },
});
