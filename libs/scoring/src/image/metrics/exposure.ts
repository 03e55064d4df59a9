import { defineMetric } from '../../metric.js';
import { lumaOf } from '../pixels.js';

/** Luma at or above this is a blown highlight, at or below SHADOW a crushed shadow (8-bit). */
export const HIGHLIGHT = 250;
export const SHADOW = 5;

export default defineMetric({
  name: 'exposure',
  version: '1.1.0',
  modality: 'image',
  description: `Share of pixels with clipped highlights (luma ≥ ${HIGHLIGHT}) and crushed shadows (luma ≤ ${SHADOW}), and mean luma.`,
  scores: [
    { key: 'highlight_clip_ratio', description: `fraction of pixels with luma ≥ ${HIGHLIGHT}`, range: [0, 1], direction: 'lower' },
    { key: 'shadow_clip_ratio', description: `fraction of pixels with luma ≤ ${SHADOW}`, range: [0, 1], direction: 'lower' },
    { key: 'mean_luma', description: 'mean BT.601 luma / 255', range: [0, 1], direction: 'none' },
  ],
  needs: {},
  cost: 'cpu',
  compute({ image }) {
    const y = lumaOf(image);
    let high = 0;
    let low = 0;
    let sum = 0;
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      sum += v;
      if (v >= HIGHLIGHT) high++;
      else if (v <= SHADOW) low++;
    }
    const n = y.length;
    return { scores: { highlight_clip_ratio: high / n, shadow_clip_ratio: low / n, mean_luma: sum / n / 255 } };
  },
});
