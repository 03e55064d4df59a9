import { defineMetric } from '../../metric.js';
import { requireSamples } from '../pcm.js';

/** The mean of each channel (float64), full scale = 1. A DC offset wastes headroom and clicks at edits. */
export default defineMetric({
  name: 'dc_offset',
  version: '1.0.0',
  modality: 'audio',
  description: 'Per-channel mean sample value (DC offset), full scale 1: the largest absolute one, and its signed value.',
  scores: [
    { key: 'max_abs', description: 'max over channels of |mean(x)|', range: [0, 1], direction: 'lower' },
    { key: 'mean', description: 'signed mean of the channel with the largest |mean|', range: [-1, 1], direction: 'none' },
  ],
  needs: {},
  cost: 'cpu',
  compute({ pcm }) {
    const n = requireSamples(pcm);
    const means = pcm.channels.map((x) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i];
      return s / n;
    });
    const worst = means.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
    return { scores: { max_abs: Math.abs(worst), mean: worst }, details: { perChannel: means } };
  },
});
