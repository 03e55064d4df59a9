/**
 * npm run bench:stats — the joint BCa bootstrap of @assay/stats against SciPy 1.10's `scipy.stats.bootstrap`
 * (method='BCa', vectorized np.mean, batched) on the same data, medians of BENCH_ROUNDS:
 *  - bootstrapMeans: rows × 20 score columns (gamma-distributed, 1 % NaN), 2 000 resamples, one joint call;
 *  - SciPy: the same columns, one `bootstrap` call per column (it has no joint multi-column form), no NaN;
 *  - bootstrapMeanDifferences for the same shape on both sides, and bootstrapQuantileRatio (p95).
 * SciPy's figure is timed inside Python (perf_counter), so interpreter start-up is not counted.
 */
import { execFileSync } from 'node:child_process';
import { bootstrapMeanDifferences, bootstrapMeans, bootstrapQuantileRatio, createRng } from '@assay/stats';
import { cases, median, rounds, table } from './stats.js';

const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';
const ROUNDS = rounds(5);
const COLUMNS = 20;
const RESAMPLES = 2000;

function columns(rows: number, seed: number): Float64Array[] {
  const rng = createRng(seed);
  return Array.from({ length: COLUMNS }, () => Float64Array.from({ length: rows }, () => (rng.nextFloat() < 0.01 ? NaN : rng.gamma(2))));
}

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const SCIPY = `
import sys, time, numpy as np
from scipy import stats
rows, cols, resamples, rounds = map(int, sys.argv[1:5])
rng = np.random.default_rng(1)
data = rng.gamma(2.0, 1.0, (cols, rows))
times = []
for _ in range(rounds):
    t = time.perf_counter()
    for c in range(cols):
        stats.bootstrap((data[c],), np.mean, n_resamples=resamples, method='BCa', random_state=rng, batch=500)
    times.append((time.perf_counter() - t) * 1000)
print(np.median(times))
`;

const opts = { resamples: RESAMPLES, seed: 1, alpha: 0.05, method: 'bca' as const };
const rows: (string | number)[][] = [];
console.log(`bench:stats — joint BCa bootstrap, ${COLUMNS} columns × ${RESAMPLES} resamples, median of ${ROUNDS} rounds (ms)`);
for (const n of cases([1000, 5000, 20_000])) {
  const [b, c] = [columns(n, 1), columns(n, 2)];
  const [sa, sb] = [
    Float64Array.from(b[0].filter((x) => !Number.isNaN(x))).sort(),
    Float64Array.from(c[0].filter((x) => !Number.isNaN(x))).sort(),
  ];
  const means = median(Array.from({ length: ROUNDS }, () => time(() => bootstrapMeans(c, opts))));
  const diffs = median(Array.from({ length: ROUNDS }, () => time(() => bootstrapMeanDifferences(b, c, opts))));
  const ratio = median(Array.from({ length: ROUNDS }, () => time(() => bootstrapQuantileRatio(sa, sb, 0.95, opts))));
  const scipy = Number(
    execFileSync(PYTHON, ['-c', SCIPY, String(n), String(COLUMNS), String(RESAMPLES), String(ROUNDS)], { encoding: 'utf8' }),
  );
  rows.push([n, means.toFixed(0), scipy.toFixed(0), (scipy / means).toFixed(1), diffs.toFixed(0), ratio.toFixed(1)]);
}
console.log(table(['rows', 'bootstrapMeans', 'scipy BCa', 'scipy / ours', 'meanDifferences', 'quantileRatio'], rows));
