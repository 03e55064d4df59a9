/**
 * Cohen's κ for two raters, unweighted or weighted, as statsmodels' `cohens_kappa` on the crosstab of the
 * pairs where both rated. Weighted κ = 1 − Σ w·p_obs / Σ w·p_exp with w = |c − k|/(max − min) (linear) or its
 * square (quadratic), on the category codes' values (statsmodels' 1-D `weights` scores; the same as its
 * default 0, 1, 2, … when the codes are consecutive). The expected sums are taken in closed form from the
 * marginals (prefix sums for linear, moments for quadratic), so continuous scores cost O(n log n).
 */
import { StatsInputError } from '@assay/stats';

export type KappaWeights = 'none' | 'linear' | 'quadratic';

/** NaN when the expected disagreement is 0 (both raters used one and the same category). */
export function cohensKappa(a: readonly (number | null)[], b: readonly (number | null)[], weights: KappaWeights = 'none'): number {
  if (a.length !== b.length) throw new StatsInputError('length_mismatch', `the raters have ${a.length} and ${b.length} ratings`);
  if (weights !== 'none' && weights !== 'linear' && weights !== 'quadratic') {
    throw new StatsInputError('invalid_argument', `weights must be none, linear or quadratic, got ${String(weights)}`);
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x === null || y === null) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new StatsInputError('non_finite_value', `rating pair ${i} is (${x}, ${y})`);
    xs.push(x);
    ys.push(y);
  }
  if (xs.length === 0) throw new StatsInputError('empty_sample', 'no item was rated by both raters');
  return weights === 'none' ? unweighted(xs, ys) : weighted(xs, ys, weights === 'quadratic' ? 2 : 1);
}

function counts(values: number[]): Map<number, number> {
  const c = new Map<number, number>();
  for (const v of values) c.set(v, (c.get(v) ?? 0) + 1);
  return c;
}

function unweighted(xs: number[], ys: number[]): number {
  const n = xs.length;
  let agree = 0;
  for (let i = 0; i < n; i++) if (xs[i] === ys[i]) agree++;
  const cy = counts(ys);
  let expected = 0;
  for (const [v, c] of counts(xs)) expected += (c / n) * ((cy.get(v) ?? 0) / n);
  return (agree / n - expected) / (1 - expected);
}

/** 1 − observed/expected disagreement, both with |x − y|^power; the (max − min)^power scale cancels. */
function weighted(xs: number[], ys: number[], power: 1 | 2): number {
  const n = xs.length;
  let observed = 0;
  for (let i = 0; i < n; i++) observed += Math.abs(xs[i] - ys[i]) ** power;
  const expected = power === 2 ? expectedSquared(xs, ys) : expectedAbsolute(xs, ys);
  return 1 - (observed * n) / expected;
}

/** Σ_i Σ_j (x_i − y_j)² = n·Σ(x − x̄)² + n·Σ(y − ȳ)² + n²(x̄ − ȳ)². */
function expectedSquared(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / n;
  const [mx, my] = [mean(xs), mean(ys)];
  const ss = (v: number[], m: number) => v.reduce((s, x) => s + (x - m) ** 2, 0);
  return n * ss(xs, mx) + n * ss(ys, my) + n * n * (mx - my) ** 2;
}

/** Σ_i Σ_j |x_i − y_j| by one merge of the sorted samples: each x meets the y below and above it through prefix sums. */
function expectedAbsolute(xs: number[], ys: number[]): number {
  const x = Float64Array.from(xs).sort();
  const y = Float64Array.from(ys).sort();
  let yTotal = 0;
  for (const v of y) yTotal += v;
  let j = 0;
  let below = 0;
  let sum = 0;
  for (const v of x) {
    while (j < y.length && y[j] <= v) below += y[j++];
    sum += v * j - below + (yTotal - below) - v * (y.length - j);
  }
  return sum;
}
