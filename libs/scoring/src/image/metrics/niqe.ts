import { defineMetric, MetricNotApplicable } from '../../metric.js';
import { niqe } from '../nriqa/niqe-core.js';
import { loadNiqeParams } from '../nriqa/niqe-params.js';

// The .mat rather than BasicSR's .npz: one container of named float64 matrices (a small MAT v5 reader) instead
// of ZIP + NPY headers + Fortran order; SOURCE.md checked both hold the same numbers, and the parity test
// (this file here, the .npz in the Python reference) would show any difference.
const PARAMS = 'niqe/niqe_image_params.mat';

/**
 * NIQE (Mittal, Soundararajan & Bovik, 2013) after BasicSR's niqe.py, with the LIVE pristine model: the
 * distance of the image's 96×96-block natural-scene statistics from pristine images. Lower is better.
 * See nriqa/niqe-core.ts.
 */
export default defineMetric({
  name: 'niqe',
  version: '1.0.0',
  modality: 'image',
  description: 'NIQE no-reference naturalness (BasicSR implementation, LIVE pristine model); lower is better.',
  scores: [{ key: 'score', description: 'NIQE distance from the pristine model', range: [0, null], direction: 'lower' }],
  needs: { files: [PARAMS] },
  cost: 'cpu',
  compute({ image }, ctx) {
    const params = loadNiqeParams(ctx.file(PARAMS));
    const r = niqe(image.rgb, image.width, image.height, params);
    if ('error' in r) throw new MetricNotApplicable(r.error);
    return { scores: { score: r.score }, details: { blocks: r.blocks, completeBlocks: r.completeBlocks } };
  },
});
