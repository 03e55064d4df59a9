import type { ScoreSpec } from './metric.js';
import { quantileOfSorted } from './stats.js';

/**
 * An image metric in a video suite runs on every sampled frame; each of its scores is reported as three
 * statistics over the frames, `<metric>.<score>.<stat>`: the mean and the two that show the worst frames
 * for the score's direction (min and p5 when higher is better, max and p95 when lower is better).
 */
export type FrameStat = 'mean' | 'min' | 'p5' | 'max' | 'p95';

export function frameStatsFor(direction: ScoreSpec['direction']): FrameStat[] {
  return direction === 'lower' ? ['mean', 'max', 'p95'] : ['mean', 'min', 'p5'];
}

export function frameStat(values: number[], stat: FrameStat): number {
  const sorted = [...values].sort((a, b) => a - b);
  switch (stat) {
    case 'mean':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'min':
      return sorted[0];
    case 'max':
      return sorted[sorted.length - 1];
    case 'p5':
      return quantileOfSorted(sorted, 0.05);
    case 'p95':
      return quantileOfSorted(sorted, 0.95);
  }
}
