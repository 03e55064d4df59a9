import { defineMetric, MetricNotApplicable } from '../../metric.js';
import { lumaOf } from '../pixels.js';

/**
 * Variance of the Laplacian of luma: `cv2.Laplacian(gray, cv2.CV_64F).var()` — 3×3 kernel [0 1 0; 1 -4 1; 0 1 0],
 * border reflect-101, population variance, computed in float64. Blur lowers it; noise raises it.
 */
export function laplacianVariance(y: Uint8Array, width: number, height: number): number {
  const at = (x: number, r: number) => {
    const xx = x < 0 ? -x : x >= width ? 2 * width - 2 - x : x;
    const rr = r < 0 ? -r : r >= height ? 2 * height - 2 - r : r;
    return y[rr * width + xx];
  };
  let sum = 0;
  let sumSq = 0;
  for (let r = 0; r < height; r++) {
    const interiorRow = r > 0 && r < height - 1;
    const row = r * width;
    for (let x = 0; x < width; x++) {
      let v: number;
      if (interiorRow && x > 0 && x < width - 1) {
        const i = row + x;
        v = y[i - width] + y[i + width] + y[i - 1] + y[i + 1] - 4 * y[i];
      } else {
        v = at(x, r - 1) + at(x, r + 1) + at(x - 1, r) + at(x + 1, r) - 4 * at(x, r);
      }
      sum += v;
      sumSq += v * v;
    }
  }
  const n = width * height;
  const mean = sum / n;
  return Math.max(0, sumSq / n - mean * mean);
}

export default defineMetric({
  name: 'sharpness',
  version: '1.1.0',
  modality: 'image',
  description: 'Variance of the Laplacian of BT.601 luma (OpenCV recipe); higher is sharper.',
  scores: [{ key: 'laplacian_variance', description: 'variance of the 3×3 Laplacian of luma', range: [0, null], direction: 'higher' }],
  needs: {},
  cost: 'cpu',
  compute({ image }) {
    // reflect-101 needs at least two pixels along each axis
    if (image.width < 2 || image.height < 2) throw new MetricNotApplicable(`a ${image.width}×${image.height} image has no Laplacian`);
    return { scores: { laplacian_variance: laplacianVariance(lumaOf(image), image.width, image.height) } };
  },
});
