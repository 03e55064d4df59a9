import { defineMetric, MetricNotApplicable } from '../../metric.js';
import { lumaOf } from '../pixels.js';

const BLOCK = 8;
/** keeps the ratio finite for flat images (luma units; negligible next to natural-image gradients) */
const EPSILON = 0.01;

/**
 * JPEG blockiness: the mean absolute luma step across 8-pixel block boundaries (between columns 8k−1|8k
 * and rows 8k−1|8k) over the mean step everywhere else, horizontal and vertical steps pooled. About 1 for
 * natural images; JPEG blocking raises it.
 */
export function blockinessRatio(y: Uint8Array, width: number, height: number): number {
  let boundary = 0;
  let boundaryN = 0;
  let inner = 0;
  let innerN = 0;
  for (let r = 0; r < height; r++) {
    const row = r * width;
    for (let c = 0; c < width - 1; c++) {
      const d = Math.abs(y[row + c + 1] - y[row + c]);
      if ((c + 1) % BLOCK === 0) {
        boundary += d;
        boundaryN++;
      } else {
        inner += d;
        innerN++;
      }
    }
  }
  for (let r = 0; r < height - 1; r++) {
    const onBoundary = (r + 1) % BLOCK === 0;
    const row = r * width;
    for (let c = 0; c < width; c++) {
      const d = Math.abs(y[row + width + c] - y[row + c]);
      if (onBoundary) {
        boundary += d;
        boundaryN++;
      } else {
        inner += d;
        innerN++;
      }
    }
  }
  return (boundary / boundaryN + EPSILON) / (inner / innerN + EPSILON);
}

export default defineMetric({
  name: 'blockiness',
  version: '1.0.0',
  modality: 'image',
  description: 'JPEG blockiness: mean luma step across 8×8 block boundaries over the mean step inside blocks (~1 for natural images).',
  scores: [{ key: 'ratio', description: 'boundary step / inner step (+0.01 each)', range: [0, null], direction: 'lower' }],
  needs: {},
  cost: 'cpu',
  compute({ image }) {
    if (image.width < 2 * BLOCK || image.height < 2 * BLOCK)
      throw new MetricNotApplicable(`blockiness needs at least ${2 * BLOCK}×${2 * BLOCK} pixels`);
    return { scores: { ratio: blockinessRatio(lumaOf(image), image.width, image.height) } };
  },
});
