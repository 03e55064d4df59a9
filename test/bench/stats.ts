export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Runs `task` for every item with at most `concurrency` in flight; returns each item's latency in ms. */
export async function pool<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++];
      const t = performance.now();
      await task(item);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return latencies;
}

export function table(header: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/**
 * BENCH_QUICK=1, the CI smoke run (test/bench-smoke.test.ts): one round over the smallest case, so every
 * bench script runs end to end in seconds and cannot break unnoticed. Its figures mean nothing.
 */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Rounds to take the median of: BENCH_ROUNDS, else `fallback`; one in quick mode. */
export const rounds = (fallback: number) => (QUICK ? 1 : Number(process.env.BENCH_ROUNDS ?? fallback));

/** The cases to measure (sizes, batches): the first only in quick mode. */
export const cases = <T>(all: T[]): T[] => (QUICK ? all.slice(0, 1) : all);
