/**
 * Bootstrap confidence intervals for the means of many scores at once, and for differences of means
 * between two runs. Rows are assets, columns scores; NaN marks a score an asset lacks. A resample draws
 * row indices once and applies them to every column, so the scores of one replicate come from the same
 * assets (a joint bootstrap). Each column's mean ignores its NaN values.
 *
 * For speed a resample is kept as per-row multiplicities w (Σw = n, drawn into one reused array), and a
 * replicate mean is Σwᵢxᵢ / Σwᵢ[xᵢ not NaN]: passes over typed arrays, no allocation per resample.
 * A replicate in which a column draws none of its values is dropped from that column's
 * distribution (the bootstrap conditioned on having a value), which only matters for nearly empty columns.
 */
import { requireAlpha, StatsInputError } from '../errors.js';
import { createRng, type Rng } from '../rng.js';
import { bootstrapInterval, jackknifeAcceleration, type BootstrapEstimate, type BootstrapOptions } from './interval.js';

/**
 * One column laid out for fast replicate means. Mostly present: `values` over all rows (NaN as 0) and the
 * `missing` rows, whose multiplicities are subtracted from n. Mostly missing: `values` compacted with their
 * `rows`, summed by gathering multiplicities.
 */
interface Column {
  values: Float64Array;
  rows: Int32Array | null;
  missing: Int32Array;
}

interface Side {
  rows: number;
  columns: Column[];
  /** per column: count of values, mean, Σ(x − x̄)², Σ(x − x̄)³ */
  moments: [number, number, number, number][];
}

function prepare(input: readonly Float64Array[], what: string): Side {
  const rows = input.length ? input[0].length : 0;
  const columns: Column[] = [];
  const moments: [number, number, number, number][] = [];
  input.forEach((col, c) => {
    if (col.length !== rows) throw new StatsInputError('length_mismatch', `${what}[${c}] has ${col.length} rows, ${what}[0] has ${rows}`);
    const present: number[] = [];
    const missing: number[] = [];
    let s = 0;
    for (let i = 0; i < rows; i++) {
      const x = col[i];
      if (Number.isNaN(x)) missing.push(i);
      else if (!Number.isFinite(x)) throw new StatsInputError('non_finite_value', `${what}[${c}][${i}] is ${x}`);
      else {
        present.push(i);
        s += x;
      }
    }
    const m = present.length;
    const mean = m ? s / m : NaN;
    let m2 = 0;
    let m3 = 0;
    for (const i of present) {
      const d = col[i] - mean;
      m2 += d * d;
      m3 += d * d * d;
    }
    moments.push([m, mean, m2, m3]);
    if (2 * missing.length <= rows) {
      const values = Float64Array.from(col, (x) => (Number.isNaN(x) ? 0 : x));
      columns.push({ values, rows: null, missing: Int32Array.from(missing) });
    } else {
      columns.push({ values: Float64Array.from(present, (i) => col[i]), rows: Int32Array.from(present), missing: new Int32Array(0) });
    }
  });
  return { rows, columns, moments };
}

function checkOptions(opts: BootstrapOptions): void {
  requireAlpha(opts.alpha);
  if (!(Number.isSafeInteger(opts.resamples) && opts.resamples >= 2)) {
    throw new StatsInputError('invalid_argument', `resamples must be an integer ≥ 2, got ${opts.resamples}`);
  }
  if (opts.method !== 'bca' && opts.method !== 'percentile') {
    throw new StatsInputError('invalid_argument', `method must be 'bca' or 'percentile', got ${String(opts.method)}`);
  }
}

/** Draws one resample of `rows` rows as multiplicities into `w`. */
function drawWeights(rng: Rng, w: Float64Array): void {
  w.fill(0);
  const n = w.length;
  for (let k = 0; k < n; k++) w[rng.nextInt(n)]++;
}

/** A column's mean under multiplicities w; NaN when the resample holds none of its values. */
function weightedMean({ values, rows, missing }: Column, w: Float64Array): number {
  let s = 0;
  let count: number;
  if (rows) {
    count = 0;
    for (let j = 0; j < rows.length; j++) {
      const wi = w[rows[j]];
      s += wi * values[j];
      count += wi;
    }
  } else {
    for (let i = 0; i < values.length; i++) s += w[i] * values[i];
    count = values.length;
    for (let j = 0; j < missing.length; j++) count -= w[missing[j]];
  }
  return count > 0 ? s / count : NaN;
}

/** The replicates without NaN (resamples in which a column drew no value). */
function finite(reps: Float64Array): Float64Array {
  let k = 0;
  for (let r = 0; r < reps.length; r++) if (!Number.isNaN(reps[r])) reps[k++] = reps[r];
  return reps.subarray(0, k);
}

/** The mean of every column with its bootstrap interval; ci null for a column with fewer than 2 values. */
export function bootstrapMeans(columns: readonly Float64Array[], opts: BootstrapOptions): BootstrapEstimate[] {
  checkOptions(opts);
  const side = prepare(columns, 'columns');
  const cols = columns.length;
  const usable = side.moments.map(([m]) => m >= 2);
  if (!usable.some(Boolean)) return side.moments.map(([, mean]) => ({ estimate: mean, ci: null }));
  const rng = createRng(opts.seed);
  const w = new Float64Array(side.rows);
  const reps = usable.map((u) => (u ? new Float64Array(opts.resamples) : null));
  for (let r = 0; r < opts.resamples; r++) {
    drawWeights(rng, w);
    for (let c = 0; c < cols; c++) if (reps[c]) reps[c]![r] = weightedMean(side.columns[c], w);
  }
  return side.moments.map(([m, mean, m2, m3], c) => ({
    estimate: mean,
    ci: reps[c] ? bootstrapInterval(finite(reps[c]), mean, opts.alpha, opts.method, jackknifeAcceleration([[1, m, m2, m3]])) : null,
  }));
}

/**
 * mean(candidate) − mean(baseline) for every column, each side resampled on its own (its rows jointly
 * across columns), as SciPy's `bootstrap((baseline, candidate), …)` for a two-sample statistic; BCa's
 * acceleration jackknifes each sample in turn. ci null when either side of a column has fewer than 2 values.
 */
export function bootstrapMeanDifferences(
  baseline: readonly Float64Array[],
  candidate: readonly Float64Array[],
  opts: BootstrapOptions,
): BootstrapEstimate[] {
  checkOptions(opts);
  if (baseline.length !== candidate.length) {
    throw new StatsInputError('length_mismatch', `${baseline.length} baseline columns but ${candidate.length} candidate columns`);
  }
  const b = prepare(baseline, 'baseline');
  const c = prepare(candidate, 'candidate');
  const cols = baseline.length;
  const estimates = b.moments.map(([, mb], k) => c.moments[k][1] - mb);
  const usable = b.moments.map(([mb], k) => mb >= 2 && c.moments[k][0] >= 2);
  if (!usable.some(Boolean)) return estimates.map((estimate) => ({ estimate, ci: null }));
  const rng = createRng(opts.seed);
  const wb = new Float64Array(b.rows);
  const wc = new Float64Array(c.rows);
  const reps = usable.map((u) => (u ? new Float64Array(opts.resamples) : null));
  for (let r = 0; r < opts.resamples; r++) {
    drawWeights(rng, wb);
    drawWeights(rng, wc);
    for (let k = 0; k < cols; k++) if (reps[k]) reps[k]![r] = weightedMean(c.columns[k], wc) - weightedMean(b.columns[k], wb);
  }
  return estimates.map((estimate, k) => {
    if (!reps[k]) return { estimate, ci: null };
    const [mb, , b2, b3] = b.moments[k];
    const [mc, , c2, c3] = c.moments[k];
    const accel = jackknifeAcceleration([
      [-1, mb, b2, b3],
      [1, mc, c2, c3],
    ]);
    return { estimate, ci: bootstrapInterval(finite(reps[k]), estimate, opts.alpha, opts.method, accel) };
  });
}
