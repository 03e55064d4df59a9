/**
 * @assay/stats on hand-checkable cases (values worked out by hand or from closed forms in the comments) and
 * its typed errors on bad input. Parity with SciPy/statsmodels: test/parity/stats.parity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  bootstrapMeanDifferences,
  bootstrapMeans,
  bootstrapQuantileRatio,
  chiSquareCdf,
  chiSquareSf,
  clopperPearsonInterval,
  clopperPearsonUpper,
  cohensDz,
  createRng,
  erfc,
  hedgesG,
  holm,
  mannWhitneyU,
  newcombeDiffInterval,
  newcombePairedDiffInterval,
  pairedTTest,
  quantile,
  quantileInterval,
  regularizedGammaP,
  regularizedGammaQ,
  StatsInputError,
  welchTTest,
  wilcoxonSignedRank,
  wilsonInterval,
} from '@assay/stats';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatsInputError);
    return (err as StatsInputError).code;
  }
  throw new Error('expected a StatsInputError');
};

describe('createRng', () => {
  it('is reproducible per seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRng(seed).nextFloat);
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('draws uniform integers and floats, normals, gammas and betas with the right moments', () => {
    const rng = createRng(42);
    const n = 200_000;
    const counts = new Array(7).fill(0);
    let [u, z, z2, g, b] = [0, 0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      counts[rng.nextInt(7)]++;
      u += rng.nextFloat();
      const x = rng.normal();
      z += x;
      z2 += x * x;
      g += rng.gamma(0.5);
      b += rng.beta(50_000, 150_000);
    }
    for (const c of counts) expect(Math.abs(c / n - 1 / 7)).toBeLessThan(0.004);
    expect(u / n).toBeCloseTo(0.5, 2);
    expect(z / n).toBeCloseTo(0, 2);
    expect(z2 / n).toBeCloseTo(1, 1);
    expect(g / n).toBeCloseTo(0.5, 2); // E Gamma(k) = k
    expect(b / n).toBeCloseTo(0.25, 4); // E Beta(a, b) = a/(a+b), sd ≈ 1e-3
  });

  it('rejects a non-integer seed or range', () => {
    expect(code(() => createRng(1.5))).toBe('invalid_argument');
    expect(code(() => createRng(1).nextInt(0))).toBe('invalid_argument');
  });
});

describe('chi-square and the incomplete gamma functions', () => {
  it('match the closed forms: χ²₂ tail e^(−x/2), χ²₁ tail erfc(√(x/2)), P(1, x) = 1 − e^(−x)', () => {
    for (const x of [0.01, 1, 5.99, 40, 300]) {
      expect(Math.abs(chiSquareSf(x, 2) / Math.exp(-x / 2) - 1)).toBeLessThan(1e-13);
      expect(Math.abs(chiSquareSf(x, 1) / erfc(Math.sqrt(x / 2)) - 1)).toBeLessThan(1e-13);
      expect(Math.abs(regularizedGammaP(1, x) / -Math.expm1(-x) - 1)).toBeLessThan(1e-13);
    }
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 14); // the 95 % point of χ²₁ is 1.96²
    expect(chiSquareCdf(0, 3)).toBe(0);
    expect(chiSquareSf(-1, 3)).toBe(1);
    expect(regularizedGammaQ(2.5, Infinity)).toBe(0);
  });

  it('P + Q = 1 on both sides of x = a + 1, and the upper tail keeps its relative precision far out', () => {
    for (const [a, x] of [
      [0.3, 0.2],
      [0.3, 5],
      [50, 40],
      [50, 70],
      [5e4, 5.1e4],
    ])
      expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 14);
    // Q(1, 700) = e^(−700) ≈ 9.86e-305, no cancellation against 1
    expect(Math.abs(regularizedGammaQ(1, 700) / Math.exp(-700) - 1)).toBeLessThan(1e-12);
  });

  it('rejects a non-positive df or shape and a negative x', () => {
    expect(code(() => chiSquareSf(1, 0))).toBe('invalid_argument');
    expect(code(() => regularizedGammaP(-1, 1))).toBe('invalid_argument');
    expect(code(() => regularizedGammaQ(1, -1))).toBe('invalid_argument');
  });
});

describe('quantile and quantileInterval', () => {
  it('interpolates linearly (numpy type 7)', () => {
    const x = [1, 2, 3, 4, 10];
    expect(quantile(x, 0.5)).toBe(3);
    expect(quantile(x, 0.9)).toBeCloseTo(7.6, 12); // h = 3.6: 4 + 0.6·6
    expect(quantile(x, 1)).toBe(10);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('gives the textbook order statistics for the median of 10 (x₍₂₎, x₍₉₎) and null when n is too small', () => {
    // P(B ≤ 1) = 11/1024 ≤ 0.025 < P(B ≤ 2) = 56/1024 for B ~ Bin(10, ½)
    expect(quantileInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 0.05)).toEqual([2, 9]);
    // n = 5: [x₍₁₎, x₍₅₎] covers 1 − 2/32 = 0.9375 < 0.95
    expect(quantileInterval([1, 2, 3, 4, 5], 0.5, 0.05)).toBeNull();
    expect(quantileInterval([1, 2, 3, 4, 5, 6], 0.5, 0.05)).toEqual([1, 6]); // 1 − 2/64 = 0.969
  });

  it('moves the spare tail to the other side for an extreme quantile', () => {
    // p = 0.99, n = 300: P(B = 300) = 0.99^300 ≈ 0.049 > 0.025, so u = n and l takes the rest of α
    const x = Array.from({ length: 300 }, (_, i) => i + 1);
    const ci = quantileInterval(x, 0.99, 0.05)!;
    expect(ci[1]).toBe(300);
    expect(ci[0]).toBeLessThan(297);
  });

  it('rejects p outside (0, 1) and alpha outside (0, 1)', () => {
    expect(code(() => quantileInterval([1, 2], 0, 0.05))).toBe('invalid_argument');
    expect(code(() => quantileInterval([1, 2], 0.5, 1))).toBe('invalid_argument');
    expect(code(() => quantile([1], 1.5))).toBe('invalid_argument');
  });
});

describe('t tests', () => {
  it('Welch: t, df and interval by hand', () => {
    // a: mean 2, var 1; b: mean 5, var 4; se² = 1/3 + 4/3 = 5/3; df = (5/3)²/((1/3)²/2 + (4/3)²/2) = 25/8.5
    const r = welchTTest([1, 2, 3], [3, 5, 7], 0.05);
    expect(r.statistic).toBeCloseTo(3 / Math.sqrt(5 / 3), 12);
    expect(r.df).toBeCloseTo(25 / 8.5, 12);
    expect(r.ci![0] + r.ci![1]).toBeCloseTo(6, 12); // centred on the difference 3
  });

  it('paired: df n − 1, the interval centred on the mean difference; null interval without variation', () => {
    const r = pairedTTest([1, 2, 3, 4], 0.05);
    expect(r.df).toBe(3);
    expect(r.statistic).toBeCloseTo(2.5 / Math.sqrt(5 / 3 / 4), 12);
    // t₀.₉₇₅,₃ = 3.182446305284263
    expect(r.ci![1] - 2.5).toBeCloseTo(3.182446305284263 * Math.sqrt(5 / 12), 10);
    expect(pairedTTest([2, 2, 2], 0.05).ci).toBeNull();
  });

  it('rejects too few or non-finite values and a bad alpha', () => {
    expect(code(() => welchTTest([1], [1, 2], 0.05))).toBe('too_few_values');
    expect(code(() => pairedTTest([1, NaN], 0.05))).toBe('non_finite_value');
    expect(code(() => pairedTTest([1, 2], 0))).toBe('invalid_argument');
    expect(code(() => welchTTest([], [1, 2], 0.05))).toBe('empty_sample');
  });
});

describe('rank tests', () => {
  it('Mann–Whitney exact: complete separation of 3 vs 3 gives p = 2/C(6,3) = 0.1', () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBeCloseTo(0.1, 14);
  });

  it('Wilcoxon exact: 6 positive differences give p = 2/2⁶; all-zero differences throw', () => {
    const r = wilcoxonSignedRank([1, 2, 3, 4, 5, 6]);
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBeCloseTo(2 / 64, 14);
    expect(code(() => wilcoxonSignedRank([0, 0, 0]))).toBe('all_zero_differences');
  });
});

describe('multiple testing', () => {
  it('Holm and BH by hand, NaN passing through uncounted', () => {
    // m = 3 sorted 0.01, 0.03, 0.04 → Holm 0.03, 0.06, max(0.06, 0.04) ; BH 0.03, min(0.045, 0.04), 0.04
    expect(holm([0.01, 0.04, NaN, 0.03])).toEqual([0.03, 0.06, NaN, 0.06]);
    const bh = benjaminiHochberg([0.01, 0.04, NaN, 0.03]);
    expect(bh[0]).toBeCloseTo(0.03, 15);
    expect(bh[1]).toBeCloseTo(0.04, 15);
    expect(bh[2]).toBeNaN();
    expect(bh[3]).toBeCloseTo(0.04, 15);
    expect(code(() => holm([1.2]))).toBe('invalid_argument');
  });
});

describe('effect sizes', () => {
  it('Hedges g and Cohen d_z by hand', () => {
    // pooled sd of (1,2,3) and (3,5,7): √((2·1 + 2·4)/4) = √2.5; J = 1 − 3/15
    expect(hedgesG([1, 2, 3], [3, 5, 7])).toBeCloseTo((3 / Math.sqrt(2.5)) * 0.8, 12);
    expect(cohensDz([1, 2, 3, 4])).toBeCloseTo(2.5 / Math.sqrt(5 / 3), 12);
    expect(cohensDz([1, 1, 1])).toBeNaN();
  });
});

describe('proportion intervals', () => {
  it('Wilson for 0 of 10 has lower bound 0 and upper z²/(n + z²)', () => {
    const z = 1.959963984540054;
    const [lo, hi] = wilsonInterval(0, 10, 0.05);
    expect(lo).toBeCloseTo(0, 15);
    expect(hi).toBeCloseTo((z * z) / (10 + z * z), 14);
  });

  it('Clopper–Pearson: 0 of n gives 1 − (α/2)^(1/n); the one-sided upper bound is 1 − (1 − c)^(1/n)', () => {
    expect(clopperPearsonInterval(0, 20, 0.05)[1]).toBeCloseTo(1 - 0.025 ** (1 / 20), 13);
    expect(clopperPearsonUpper(0, 20, 0.95)).toBeCloseTo(1 - 0.05 ** (1 / 20), 13);
    expect(clopperPearsonUpper(20, 20, 0.95)).toBe(1);
  });

  it('Newcombe paired (method 10) reproduces the Cavo et al. 2012 example of Fagerland, Lydersen & Laake', () => {
    // table (59, 6 | 16, 80), published: −0.0621 (95 % CI −0.1186 to −0.0046); R contingencytables test-ch8.R
    const [lo, hi] = newcombePairedDiffInterval(59, 6, 16, 80, 0.05);
    expect(lo).toBeCloseTo(-0.1186, 4);
    expect(hi).toBeCloseTo(-0.0046, 4);
  });

  it('Newcombe independent: equal proportions give an interval around 0', () => {
    const [lo, hi] = newcombeDiffInterval(20, 100, 20, 100, 0.05);
    expect(lo).toBeCloseTo(-hi, 14);
  });

  it('rejects x > n, negative or fractional counts and a bad alpha', () => {
    expect(code(() => wilsonInterval(11, 10, 0.05))).toBe('invalid_argument');
    expect(code(() => wilsonInterval(-1, 10, 0.05))).toBe('invalid_argument');
    expect(code(() => clopperPearsonUpper(1, 10, 1))).toBe('invalid_argument');
    expect(code(() => newcombeDiffInterval(1, 0, 1, 2, 0.05))).toBe('invalid_argument');
    expect(code(() => newcombePairedDiffInterval(1.5, 1, 1, 1, 0.05))).toBe('invalid_argument');
  });
});

describe('bootstrap', () => {
  const opts = { resamples: 2000, seed: 1, alpha: 0.05, method: 'bca' as const };

  it('is reproducible, ignores NaN per column, and returns null for degenerate columns', () => {
    const a = Float64Array.from([1, 2, NaN, 4, 5, 6, 7, 8]);
    const constant = Float64Array.from([3, 3, 3, 3, 3, 3, 3, 3]);
    const single = Float64Array.from([NaN, NaN, 2, NaN, NaN, NaN, NaN, NaN]);
    const r = bootstrapMeans([a, constant, single], opts);
    expect(r[0].estimate).toBeCloseTo(33 / 7, 14);
    expect(r[0].ci![0]).toBeLessThan(33 / 7);
    expect(r[0].ci![1]).toBeGreaterThan(33 / 7);
    expect(r[1]).toEqual({ estimate: 3, ci: null });
    expect(r[2]).toEqual({ estimate: 2, ci: null });
    expect(bootstrapMeans([a], opts)).toEqual(bootstrapMeans([a], opts));
  });

  it('differences: candidate − baseline, with the interval around it', () => {
    const b = Float64Array.from({ length: 40 }, (_, i) => i % 7);
    const c = Float64Array.from({ length: 30 }, (_, i) => (i % 7) + 2);
    const [d] = bootstrapMeanDifferences([b], [c], { ...opts, method: 'percentile' });
    expect(d.estimate).toBeCloseTo(145 / 30 - 115 / 40, 14); // Σ(i mod 7) + 2 over 30 rows, Σ(i mod 7) over 40
    expect(d.ci![0]).toBeLessThan(d.estimate);
    expect(d.ci![1]).toBeGreaterThan(d.estimate);
  });

  it('rejects ragged columns, ±Infinity and bad options', () => {
    expect(code(() => bootstrapMeans([new Float64Array(3), new Float64Array(4)], opts))).toBe('length_mismatch');
    expect(code(() => bootstrapMeans([Float64Array.from([1, Infinity])], opts))).toBe('non_finite_value');
    expect(code(() => bootstrapMeans([new Float64Array(3)], { ...opts, resamples: 1 }))).toBe('invalid_argument');
    expect(code(() => bootstrapMeanDifferences([new Float64Array(3)], [], opts))).toBe('length_mismatch');
  });

  it('quantile ratio: the estimate and a null interval when the baseline quantile is 0', () => {
    const a = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    const b = a.map((x) => 2 * x);
    const r = bootstrapQuantileRatio(a, b, 0.5, { resamples: 2000, seed: 3, alpha: 0.05 });
    expect(r.estimate).toBe(2);
    expect(r.ci![0]).toBeLessThan(2);
    expect(r.ci![1]).toBeGreaterThan(2);
    expect(bootstrapQuantileRatio(new Float64Array(5), b, 0.5, { resamples: 100, seed: 3, alpha: 0.05 }).ci).toBeNull();
  });
});
