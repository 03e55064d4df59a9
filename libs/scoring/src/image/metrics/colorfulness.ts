import { defineMetric } from '../../metric.js';

/**
 * Hasler & Süsstrunk (2003), "Measuring colourfulness in natural images": with rg = R − G and
 * yb = (R + G)/2 − B, M = sqrt(σ_rg² + σ_yb²) + 0.3·sqrt(μ_rg² + μ_yb²), population moments over all pixels.
 */
export function colorfulness(rgb: Uint8Array, pixels: number): number {
  let srg = 0;
  let syb = 0;
  let srg2 = 0;
  let syb2 = 0;
  for (let j = 0; j < pixels * 3; j += 3) {
    const r = rgb[j];
    const g = rgb[j + 1];
    const rg = r - g;
    const yb = 0.5 * (r + g) - rgb[j + 2];
    srg += rg;
    syb += yb;
    srg2 += rg * rg;
    syb2 += yb * yb;
  }
  const mrg = srg / pixels;
  const myb = syb / pixels;
  const vrg = Math.max(0, srg2 / pixels - mrg * mrg);
  const vyb = Math.max(0, syb2 / pixels - myb * myb);
  return Math.sqrt(vrg + vyb) + 0.3 * Math.sqrt(mrg * mrg + myb * myb);
}

export default defineMetric({
  name: 'colorfulness',
  version: '1.0.0',
  modality: 'image',
  description: 'Hasler–Süsstrunk colourfulness M on 8-bit sRGB; 0 for greyscale, ~100+ for saturated images.',
  scores: [{ key: 'colorfulness', description: 'Hasler–Süsstrunk M', range: [0, null], direction: 'none' }],
  needs: {},
  cost: 'cpu',
  compute({ image }) {
    return { scores: { colorfulness: colorfulness(image.rgb, image.width * image.height) } };
  },
});
