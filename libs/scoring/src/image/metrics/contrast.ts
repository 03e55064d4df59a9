import { defineMetric } from '../../metric.js';
import { lumaOf } from '../pixels.js';

export default defineMetric({
  name: 'contrast',
  version: '1.0.0',
  modality: 'image',
  description: 'RMS contrast (population standard deviation of BT.601 luma / 255) and the Shannon entropy of the 256-bin luma histogram.',
  scores: [
    { key: 'rms', description: 'std of luma / 255', range: [0, 0.5], direction: 'none' },
    { key: 'entropy', description: 'Shannon entropy of the luma histogram', range: [0, 8], direction: 'none', unit: 'bit' },
  ],
  needs: {},
  cost: 'cpu',
  compute({ image }) {
    const y = lumaOf(image);
    const hist = new Float64Array(256);
    for (let i = 0; i < y.length; i++) hist[y[i]]++;
    const n = y.length;
    let mean = 0;
    for (let v = 0; v < 256; v++) mean += v * hist[v];
    mean /= n;
    let variance = 0;
    let entropy = 0;
    for (let v = 0; v < 256; v++) {
      if (!hist[v]) continue;
      variance += hist[v] * (v - mean) ** 2;
      const p = hist[v] / n;
      entropy -= p * Math.log2(p);
    }
    return { scores: { rms: Math.sqrt(variance / n) / 255, entropy } };
  },
});
