/**
 * @assay/stats against its references: SciPy 1.10.1 and statsmodels 0.13.5 as Debian ships them
 * (/usr/bin/python3, or PARITY_PYTHON), run by test/parity/stats_reference.py, which also draws the data —
 * seeded score-like samples (skewed, tied; n = 5, 8, 30, 200, 2000) and two real datasets from
 * statsmodels' own copies: engel.csv (235 households' income and food expenditure) and star98.csv (303
 * California districts: students above the national math median of those tested, as binomial counts).
 *
 * Tolerances:
 * - closed forms (t tests and their intervals, Mann–Whitney, Wilcoxon, Holm/BH, Wilson, Clopper–Pearson,
 *   Newcombe, the distribution functions, quantiles): 1e-9 relative (absolute near 0), the χ² tails (df 1 … 1e5,
 *   down to 1e-12) 1e-10. The t tail at df = 1e5 is the worst measured (≈2e-12). Exception: SciPy 1.10's
 *   Student t quantile (cdflib `stdtrit`) stops its root search at ≈1e-8 in probability, so t quantiles and
 *   the t intervals built on them agree to 1e-8 only (relative to the quantile, or to the interval's
 *   half-width); mpmath at 40 digits puts our quantiles, not SciPy's, on the requested probability.
 * - BCa bootstrap: our 50 000 resamples against SciPy's 50 000 (`bootstrap(method='BCa')`), each bound
 *   within 2 % of the interval's width (the Monte-Carlo error of a bound is ≈0.5 % of the width per side).
 * - the quantile ratio: our order-statistic bootstrap (20 000 resamples) against a brute-force numpy one
 *   (20 000 resamples of whole samples), bounds within 3 % of the width (quantiles of resamples are
 *   discrete, which adds to the Monte-Carlo error).
 * - Wilcoxon on small tied samples: SciPy 1.10 runs its exact test there with a truncated rank sum; ours
 *   takes the tie-corrected normal approximation, compared with SciPy's `mode='approx'`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import * as stats from '@assay/stats';

const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';

interface TestValues {
  statistic: number;
  pValue: number;
  ci?: [number, number];
}
interface Reference {
  versions: Record<string, string>;
  two_sample: { name: string; a: number[]; b: number[]; welch: TestValues; mwu: TestValues }[];
  paired: { name: string; d: number[]; ties: boolean; t: TestValues; wilcoxon: TestValues; wilcoxon_approx: TestValues }[];
  multiple: { p: number[]; holm: number[]; bh: number[] }[];
  proportions: { x: number; n: number; wilson: [number, number]; beta: [number, number]; beta_upper_95: number }[];
  newcombe: { x1: number; n1: number; x2: number; n2: number; ci: [number, number] }[];
  distributions: [string, number[], number][];
  quantiles: { x: number[]; q: number[]; value: number[] }[];
  bca: { name: string; mean: [number, number]; difference: [number, number] }[];
  quantile_ratio: { name: string; p: number; estimate: number; ci: [number, number] }[];
}

let ref: Reference;
const worst = new Map<string, number>();

/** |got − want| relative to `scale` (an interval's half-width), recorded like `close`. */
function closeTo(label: string, got: number, want: number, scale: number, tol: number): void {
  const e = Math.abs(got - want) / scale;
  worst.set(label, Math.max(worst.get(label) ?? 0, e));
  expect(e, `${label}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
}

/** Relative error, absolute below 1e-300 (exact zeros); records the worst per label for the summary. */
function close(label: string, got: number, want: number, tol = 1e-9): void {
  const err = got === want ? 0 : Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);
  const absErr = Math.abs(got - want);
  const e = Math.min(err, Math.abs(want) < 1e-12 ? absErr : Infinity);
  worst.set(label, Math.max(worst.get(label) ?? 0, e));
  expect(e, `${label}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
}

beforeAll(async () => {
  const { stdout } = await promisify(execFile)(PYTHON, ['test/parity/stats_reference.py'], { maxBuffer: 64 * 1024 * 1024 });
  ref = JSON.parse(stdout) as Reference;
  expect(ref.versions.scipy).toBe('1.10.1');
  expect(ref.versions.statsmodels).toMatch(/^0\.13\.5/);
}, 120_000);

describe('@assay/stats parity with SciPy 1.10 / statsmodels 0.13', () => {
  it('distribution functions', () => {
    const fns = stats as unknown as Record<string, (...args: number[]) => number>;
    const tolerance: Record<string, number> = { studentTQuantile: 1e-8, chiSquareSf: 1e-10, chiSquareCdf: 1e-10 };
    for (const [name, args, want] of ref.distributions) close(name, fns[name](...args), want, tolerance[name] ?? 1e-9);
  });

  it('quantile (numpy linear)', () => {
    for (const { x, q, value } of ref.quantiles) q.forEach((p, i) => close('quantile', stats.quantile(x, p), value[i]));
  });

  it('Welch t test and its interval (scipy ttest_ind(equal_var=False), statsmodels tconfint_diff)', () => {
    for (const c of ref.two_sample) {
      const r = stats.welchTTest(c.a, c.b, 0.05);
      close('welch.statistic', r.statistic, c.welch.statistic);
      close('welch.pValue', r.pValue, c.welch.pValue);
      const half = (c.welch.ci![1] - c.welch.ci![0]) / 2;
      closeTo('welch.ci / half-width', r.ci![0], c.welch.ci![0], half, 1e-8);
      closeTo('welch.ci / half-width', r.ci![1], c.welch.ci![1], half, 1e-8);
    }
  });

  it('paired t test and its interval (scipy ttest_1samp, statsmodels tconfint_mean)', () => {
    for (const c of ref.paired) {
      const r = stats.pairedTTest(c.d, 0.05);
      close('paired.statistic', r.statistic, c.t.statistic);
      close('paired.pValue', r.pValue, c.t.pValue);
      const half = (c.t.ci![1] - c.t.ci![0]) / 2;
      closeTo('paired.ci / half-width', r.ci![0], c.t.ci![0], half, 1e-8);
      closeTo('paired.ci / half-width', r.ci![1], c.t.ci![1], half, 1e-8);
    }
  });

  it('Mann–Whitney U (scipy mannwhitneyu, method auto: exact and asymptotic)', () => {
    for (const c of ref.two_sample) {
      const r = stats.mannWhitneyU(c.a, c.b);
      close('mwu.statistic', r.statistic, c.mwu.statistic);
      close('mwu.pValue', r.pValue, c.mwu.pValue);
    }
  });

  it('Wilcoxon signed rank (scipy wilcoxon, mode auto; approx on small tied samples)', () => {
    for (const c of ref.paired) {
      const r = stats.wilcoxonSignedRank(c.d);
      const want = c.ties && c.d.length <= 50 && !c.d.includes(0) ? c.wilcoxon_approx : c.wilcoxon;
      close('wilcoxon.statistic', r.statistic, want.statistic);
      close('wilcoxon.pValue', r.pValue, want.pValue);
    }
  });

  it('Holm and Benjamini–Hochberg (statsmodels multipletests)', () => {
    for (const f of ref.multiple) {
      stats.holm(f.p).forEach((v, i) => close('holm', v, f.holm[i]));
      stats.benjaminiHochberg(f.p).forEach((v, i) => close('bh', v, f.bh[i]));
      // NaN entries are skipped and not counted
      const withNaN = [NaN, ...f.p];
      expect(stats.holm(withNaN).slice(1)).toEqual(stats.holm(f.p));
      expect(stats.benjaminiHochberg(withNaN)[0]).toBeNaN();
    }
  });

  it('Wilson, Clopper–Pearson (statsmodels proportion_confint) on STAR98 counts', () => {
    for (const c of ref.proportions) {
      const w = stats.wilsonInterval(c.x, c.n, 0.05);
      close('wilson', w[0], c.wilson[0]);
      close('wilson', w[1], c.wilson[1]);
      const cp = stats.clopperPearsonInterval(c.x, c.n, 0.05);
      close('clopperPearson', cp[0], c.beta[0]);
      close('clopperPearson', cp[1], c.beta[1]);
      close('clopperPearsonUpper', stats.clopperPearsonUpper(c.x, c.n, 0.95), c.beta_upper_95);
    }
  });

  it('Newcombe hybrid score difference (statsmodels confint_proportions_2indep newcomb)', () => {
    for (const c of ref.newcombe) {
      const [lo, hi] = stats.newcombeDiffInterval(c.x1, c.n1, c.x2, c.n2, 0.05);
      close('newcombe', lo, c.ci[0]);
      close('newcombe', hi, c.ci[1]);
    }
  });

  it('BCa bootstrap of a mean and of a difference of means (scipy bootstrap BCa), within 2 % of the width', () => {
    const opts = { resamples: 50_000, seed: 7, alpha: 0.05, method: 'bca' as const };
    for (const c of ref.bca) {
      const s = ref.two_sample.find((t) => t.name === c.name)!;
      const [a, b] = [Float64Array.from(s.a), Float64Array.from(s.b)];
      const [mean] = stats.bootstrapMeans([b], opts);
      const [diff] = stats.bootstrapMeanDifferences([a], [b], opts);
      for (const [label, got, want] of [
        ['bca.mean', mean.ci!, c.mean],
        ['bca.difference', diff.ci!, c.difference],
      ] as const) {
        for (const k of [0, 1]) closeTo(`${label} / width`, got[k], want[k], want[1] - want[0], 0.02);
      }
    }
  });

  it('quantile ratio: the order-statistic bootstrap against a brute-force one, within 3 % of the width', () => {
    for (const c of ref.quantile_ratio) {
      const s = ref.two_sample.find((t) => t.name === c.name)!;
      const [a, b] = [Float64Array.from(s.a).sort(), Float64Array.from(s.b).sort()];
      const r = stats.bootstrapQuantileRatio(a, b, c.p, { resamples: 20_000, seed: 11, alpha: 0.05 });
      close('quantileRatio.estimate', r.estimate, c.estimate);
      for (const k of [0, 1]) closeTo('quantileRatio.ci / width', r.ci![k], c.ci[k], c.ci[1] - c.ci[0], 0.03);
    }
  });

  it('reports the worst errors', () => {
    console.log([...worst].map(([k, v]) => `${k.padEnd(28)} ${v.toExponential(2)}`).join('\n'));
  });
});
