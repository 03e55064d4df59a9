import { defineMetric, MetricNotApplicable } from '../../metric.js';
import { lumaOf } from '../pixels.js';

/**
 * Immerkær (1996), "Fast noise variance estimation": σ = √(π/2) · Σ|I ∗ N| / (6 (W−2)(H−2)) over the
 * interior, N = [1 −2 1; −2 4 −2; 1 −2 1] (a difference of two Laplacians, blind to edges of first order).
 */
export function immerkaerSigma(y: Uint8Array, width: number, height: number): number {
  let sum = 0;
  for (let r = 1; r < height - 1; r++) {
    for (let c = 1; c < width - 1; c++) {
      const i = r * width + c;
      const up = i - width;
      const down = i + width;
      const v = y[up - 1] - 2 * y[up] + y[up + 1] - 2 * y[i - 1] + 4 * y[i] - 2 * y[i + 1] + y[down - 1] - 2 * y[down] + y[down + 1];
      sum += v < 0 ? -v : v;
    }
  }
  return (Math.sqrt(Math.PI / 2) * sum) / (6 * (width - 2) * (height - 2));
}

export default defineMetric({
  name: 'noise',
  version: '1.0.0',
  modality: 'image',
  description: "Immerkær's fast noise standard deviation estimate on BT.601 luma (8-bit units).",
  scores: [{ key: 'sigma', description: 'estimated noise standard deviation', range: [0, null], direction: 'lower' }],
  needs: {},
  cost: 'cpu',
  compute({ image }) {
    if (image.width < 3 || image.height < 3) throw new MetricNotApplicable('noise estimation needs at least 3×3 pixels');
    return { scores: { sigma: immerkaerSigma(lumaOf(image), image.width, image.height) } };
  },
});
