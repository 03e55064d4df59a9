import { EmbeddingSetSummary } from '@assay/contracts';
import { momentsToBytes, sampleRows } from '@assay/distribution';
import { z } from 'zod';
import { defineRunMetric } from '../run-metric.js';
import { addEmbeddings, mergeEmbeddingSets, summarize, type EmbeddingSets } from '../lib/embedding-sets.js';

export default defineRunMetric({
  name: 'distribution',
  version: '1.0.0',
  description:
    'The run’s stored image embeddings per feature extractor: count, spread (tr Σ), and the sufficient statistics (float64 mean and ' +
    'co-moment) and a bounded hash-chosen sample kept as artifacts, from which reference sets are made and distances (FD, KID, CMMD, ' +
    'PRDC) to any reference set are computed without re-reading the embeddings.',
  scope: 'run',
  inputs: ['embeddings'],
  result: z.object({ distribution: z.array(EmbeddingSetSummary) }),
  init: (): EmbeddingSets => ({}),
  update: addEmbeddings,
  merge: mergeEmbeddingSets,
  compute: (state) => ({
    distribution: Object.keys(state)
      .sort()
      .map((key) => summarize(state[key])),
  }),
  artifacts: (state) =>
    Object.entries(state).flatMap(([key, s]) => {
      const dir = encodeURIComponent(key);
      const { ids, rows } = sampleRows(s.set.sample);
      const meta = { model: s.model, capacity: s.set.sample.capacity, missing: s.missing, ids };
      return [
        { name: `${dir}/moments.f64`, bytes: momentsToBytes(s.set.moments), contentType: 'application/octet-stream' },
        { name: `${dir}/sample.f32`, bytes: new Uint8Array(rows.buffer), contentType: 'application/octet-stream' },
        { name: `${dir}/sample.json`, bytes: new TextEncoder().encode(JSON.stringify(meta)), contentType: 'application/json' },
      ];
    }),
});
