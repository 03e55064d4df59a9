import { z } from 'zod';
import { defineMetric } from '../../metric.js';
import { powerDb, requireSamples } from '../pcm.js';

const Params = z
  .object({
    /** a frame is silent when its RMS level is below this (dBFS, full-scale square wave = 0 dBFS) */
    thresholdDbfs: z.number().max(0).default(-60),
    /** frame length */
    frameMs: z.number().min(10).max(50).default(20),
  })
  .strict();

/**
 * Silence as frames: consecutive non-overlapping frames of `frameMs`; a frame's level is 10·log10 of the mean
 * square over its samples and all channels (dBFS; a full-scale sine is −3 dBFS); below `thresholdDbfs` it is
 * silent. The last frame may be shorter; every frame counts with its length.
 */
export default defineMetric({
  name: 'silence',
  version: '1.0.0',
  modality: 'audio',
  description:
    'Share of 10–50 ms frames whose RMS level is below a threshold (default −60 dBFS), and the silent lead-in, tail and longest gap.',
  scores: [
    { key: 'ratio', description: 'fraction of the duration in silent frames', range: [0, 1], direction: 'lower' },
    { key: 'leading_seconds', description: 'silence before the first non-silent frame', range: [0, null], direction: 'lower', unit: 's' },
    { key: 'trailing_seconds', description: 'silence after the last non-silent frame', range: [0, null], direction: 'lower', unit: 's' },
    { key: 'longest_seconds', description: 'longest run of silent frames', range: [0, null], direction: 'lower', unit: 's' },
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ pcm }, _ctx, p) {
    const n = requireSamples(pcm);
    const frame = Math.max(1, Math.round((p.frameMs * pcm.sampleRate) / 1000));
    const frames = Math.ceil(n / frame);
    const silent: boolean[] = [];
    let silentSamples = 0;
    for (let f = 0; f < frames; f++) {
      const start = f * frame;
      const end = Math.min(n, start + frame);
      let sum = 0;
      for (const x of pcm.channels) for (let i = start; i < end; i++) sum += x[i] * x[i];
      const level = powerDb(sum / ((end - start) * pcm.channels.length));
      const s = level < p.thresholdDbfs;
      silent.push(s);
      if (s) silentSamples += end - start;
    }
    const lengthOf = (f: number) => Math.min(n, (f + 1) * frame) - f * frame;
    let leading = 0;
    for (let f = 0; f < frames && silent[f]; f++) leading += lengthOf(f);
    let trailing = 0;
    for (let f = frames - 1; f >= 0 && silent[f]; f--) trailing += lengthOf(f);
    let longest = 0;
    let run = 0;
    for (let f = 0; f < frames; f++) {
      run = silent[f] ? run + lengthOf(f) : 0;
      longest = Math.max(longest, run);
    }
    const sr = pcm.sampleRate;
    return {
      scores: { ratio: silentSamples / n, leading_seconds: leading / sr, trailing_seconds: trailing / sr, longest_seconds: longest / sr },
      details: { frames, frameSamples: frame, silentFrames: silent.filter(Boolean).length, allSilent: silentSamples === n },
    };
  },
});
