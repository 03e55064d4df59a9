/**
 * DDSketch (Masson, Rim & Lee, VLDB 2019): quantiles with a relative-accuracy guarantee from logarithmic
 * bins. Bins are plain counters, so sketches merge by adding counts — which is what lets the aggregator
 * keep them in Redis hashes and update them atomically, without keeping any value.
 */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** magnitudes below this share the zero bin */
const MIN_INDEXABLE = 1e-9;

/** Bin field for a value: `p|i` (positive), `n|i` (negative, by magnitude) or `z`. */
export function binOf(value: number): string {
  const m = Math.abs(value);
  if (m < MIN_INDEXABLE) return 'z';
  const i = Math.ceil(Math.log(m) / LOG_GAMMA);
  return `${value > 0 ? 'p' : 'n'}|${i}`;
}

/** The value a bin stands for: within RELATIVE_ACCURACY of every value in it. */
function binValue(sign: 'p' | 'n', index: number): number {
  const v = (2 * GAMMA ** index) / (GAMMA + 1);
  return sign === 'p' ? v : -v;
}

export interface BinCount {
  bin: string;
  count: number;
}

/**
 * Quantiles (q in [0, 1]) from bin counts, by the lower-rank rule (rank = q·(n − 1)), clamped to the
 * exact min and max so p0/p100 and single-value sketches are exact.
 */
export function quantiles(bins: BinCount[], qs: number[], min: number, max: number): number[] {
  const entries = bins
    .filter((b) => b.count > 0)
    .map((b) => {
      if (b.bin === 'z') return { value: 0, count: b.count };
      const [sign, idx] = b.bin.split('|');
      return { value: binValue(sign as 'p' | 'n', Number(idx)), count: b.count };
    })
    .sort((a, b) => a.value - b.value);
  const total = entries.reduce((s, e) => s + e.count, 0);
  if (!total) return qs.map(() => Number.NaN);
  return qs.map((q) => {
    const rank = q * (total - 1);
    let seen = 0;
    for (const e of entries) {
      seen += e.count;
      if (seen > rank) return Math.min(max, Math.max(min, e.value));
    }
    return max;
  });
}
