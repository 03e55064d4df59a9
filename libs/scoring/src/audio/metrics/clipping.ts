import { z } from 'zod';
import { defineMetric } from '../../metric.js';
import { requireSamples } from '../pcm.js';

const Params = z
  .object({
    /** |x| at or above this level (dBFS) counts as clipped; −0.01 dBFS ≈ 0.99885 */
    thresholdDbfs: z.number().max(0).default(-0.01),
    /** consecutive clipped samples of one sign that make a clipping run */
    minRun: z.number().int().min(1).default(3),
  })
  .strict();

/**
 * Samples at (or within `thresholdDbfs` of) full scale, and runs of them: a run is ≥ `minRun` consecutive
 * samples of one channel at the threshold with the same sign — the flat tops clipping leaves; an isolated
 * full-scale sample of a normalized recording is not a run.
 */
export default defineMetric({
  name: 'clipping',
  version: '1.0.0',
  modality: 'audio',
  description:
    'Share of samples at or near full scale (|x| ≥ threshold), and runs of consecutive same-sign full-scale samples (flat tops).',
  scores: [
    { key: 'ratio', description: 'fraction of all samples (every channel) with |x| ≥ threshold', range: [0, 1], direction: 'lower' },
    {
      key: 'runs',
      description: 'number of runs of ≥ minRun consecutive same-sign samples with |x| ≥ threshold (all channels)',
      range: [0, null],
      direction: 'lower',
    },
    { key: 'runs_per_second', description: 'runs per second of audio', range: [0, null], direction: 'lower', unit: '1/s' },
    {
      key: 'longest_run',
      description: 'longest run of consecutive same-sign samples with |x| ≥ threshold',
      range: [0, null],
      direction: 'lower',
      unit: 'samples',
    },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ pcm }, _ctx, p) {
    const n = requireSamples(pcm);
    const threshold = Math.pow(10, p.thresholdDbfs / 20);
    let clipped = 0;
    let runs = 0;
    let longest = 0;
    const perChannel: { clipped: number; runs: number }[] = [];
    for (const x of pcm.channels) {
      let c = 0;
      let r = 0;
      let run = 0;
      let sign = 0;
      const close = () => {
        if (run >= p.minRun) r++;
        longest = Math.max(longest, run);
        run = 0;
      };
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (Math.abs(v) >= threshold) {
          c++;
          const s = v > 0 ? 1 : -1;
          if (run && s !== sign) close();
          sign = s;
          run++;
        } else if (run) close();
      }
      if (run) close();
      clipped += c;
      runs += r;
      perChannel.push({ clipped: c, runs: r });
    }
    const seconds = n / pcm.sampleRate;
    return {
      scores: { ratio: clipped / (n * pcm.channels.length), runs, runs_per_second: runs / seconds, longest_run: longest },
      details: { threshold, perChannel },
    };
  },
});
