/**
 * @assay/ab-stats on hand-checkable cases (worked out in the comments), degenerate arms and its typed errors.
 * Parity with SciPy/statsmodels: test/parity/ab-stats.parity.test.ts; behaviour over many experiments: simulation.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { chiSquareSf, erfc, normalIsf, studentTIsf, welchTTest } from '@assay/stats';
import {
  AbStatsError,
  compareMetric,
  confidenceSequence,
  mdeForSampleSize,
  mixingVariance,
  nonInferiority,
  powerFor,
  sampleRatioMismatch,
  sampleSizeForMde,
  type AbStatsErrorCode,
} from '@assay/ab-stats';

const f = (...v: number[]) => Float64Array.from(v);
const code = (fn: () => unknown): AbStatsErrorCode => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AbStatsError);
    return (err as AbStatsError).code;
  }
  throw new Error('expected an AbStatsError');
};

describe('sampleRatioMismatch', () => {
  it('60 vs 40 on a 50/50 plan: χ² = 2·10²/50 = 4 on 1 df, p = erfc(√2) ≈ 0.0455', () => {
    const r = sampleRatioMismatch([60, 40], [1, 1]);
    expect(r.statistic).toBe(4);
    expect(r.df).toBe(1);
    expect(r.expected).toEqual([50, 50]);
    expect(r.pValue).toBeCloseTo(erfc(Math.SQRT2), 14);
    expect(sampleRatioMismatch([50, 50], [0.5, 0.5])).toMatchObject({ statistic: 0, pValue: 1 });
  });

  it('takes unequal weights and three variants: 100/200/300 on 1:2:3 fits exactly', () => {
    expect(sampleRatioMismatch([100, 200, 300], [1, 2, 3])).toMatchObject({ statistic: 0, df: 2, pValue: 1, expected: [100, 200, 300] });
    const r = sampleRatioMismatch([110, 190, 300], [1, 2, 3]); // 100/100 + 100/200 = 1.5
    expect(r.statistic).toBeCloseTo(1.5, 12);
    expect(r.pValue).toBeCloseTo(chiSquareSf(1.5, 2), 15);
    expect(r.pValue).toBeCloseTo(Math.exp(-0.75), 14); // χ²₂ tail
  });

  it('rejects one variant, negative or fractional counts, weights ≤ 0, ragged input and no units', () => {
    expect(code(() => sampleRatioMismatch([10], [1]))).toBe('invalid_argument');
    expect(code(() => sampleRatioMismatch([10, -1], [1, 1]))).toBe('invalid_argument');
    expect(code(() => sampleRatioMismatch([10, 1.5], [1, 1]))).toBe('invalid_argument');
    expect(code(() => sampleRatioMismatch([10, 10], [1, 0]))).toBe('invalid_argument');
    expect(code(() => sampleRatioMismatch([10, 10], [1, 1, 1]))).toBe('length_mismatch');
    expect(code(() => sampleRatioMismatch([0, 0], [1, 1]))).toBe('invalid_argument');
  });
});

describe('compareMetric, mean metrics', () => {
  it('is Welch: [1,2,3,4] vs [2,4,6,8] has difference 2.5, se √(5/12 + 5/3), df 4.41', () => {
    const r = compareMetric({ y: f(1, 2, 3, 4) }, { y: f(2, 4, 6, 8) }, { alpha: 0.05 });
    const w = welchTTest([1, 2, 3, 4], [2, 4, 6, 8], 0.05);
    expect(r).toMatchObject({ kind: 'mean', test: 'welch_t' });
    expect(r.control).toEqual({ units: 4, estimate: 2.5, se: Math.sqrt(5 / 12) });
    expect(r.difference.estimate).toBe(2.5);
    expect(r.difference.se).toBeCloseTo(Math.sqrt(5 / 12 + 5 / 3), 15);
    expect(r.difference.df).toBeCloseTo((25 / 12) ** 2 / ((5 / 12) ** 2 / 3 + (5 / 3) ** 2 / 3), 12);
    expect(r.difference.statistic).toBeCloseTo(w.statistic, 14);
    expect(r.difference.pValue).toBeCloseTo(w.pValue, 14);
    expect(r.difference.ci[0]).toBeCloseTo(w.ci![0], 13);
    // relative lift 5/2.5 − 1 = 1, se = √(se_T² + 2²·se_C²)/2.5
    expect(r.relativeLift.estimate).toBe(1);
    expect(r.relativeLift.se).toBeCloseTo(Math.sqrt(5 / 3 + 4 * (5 / 12)) / 2.5, 14);
    expect(r.relativeLift.ci[1] - 1).toBeCloseTo(normalIsf(0.025) * r.relativeLift.se, 14);
    expect(r.cuped).toBeUndefined();
  });

  it('arms without variation: a point interval, p = 1 for equal values and 0 otherwise; one constant arm keeps Welch df', () => {
    const same = compareMetric({ y: f(1, 1, 1) }, { y: f(1, 1, 1) }, { alpha: 0.05 }).difference;
    expect(same).toEqual({ estimate: 0, se: 0, ci: [0, 0], statistic: 0, df: 4, pValue: 1 });
    const apart = compareMetric({ y: f(1, 1, 1) }, { y: f(2, 2, 2) }, { alpha: 0.05 }).difference;
    expect(apart).toMatchObject({ estimate: 1, se: 0, ci: [1, 1], statistic: Infinity, pValue: 0 });
    expect(compareMetric({ y: f(1, 1, 1) }, { y: f(1, 2, 3, 4, 5) }, { alpha: 0.05 }).difference.df).toBeCloseTo(4, 12);
  });

  it('reports an undefined relative lift (NaN) when the control mean is 0', () => {
    const r = compareMetric({ y: f(-1, 1) }, { y: f(1, 2) }, { alpha: 0.05 });
    expect(r.relativeLift.estimate).toBeNaN();
    expect(r.difference.estimate).toBe(1.5);
  });

  it('rejects too few units, non-finite values, ragged columns, mixed metric kinds and a bad alpha', () => {
    const ok = { y: f(1, 2, 3) };
    expect(code(() => compareMetric({ y: f(1) }, ok, { alpha: 0.05 }))).toBe('not_enough_units');
    expect(code(() => compareMetric(ok, { y: f() }, { alpha: 0.05 }))).toBe('not_enough_units');
    expect(code(() => compareMetric(ok, { y: f(1, NaN) }, { alpha: 0.05 }))).toBe('non_finite_value');
    expect(code(() => compareMetric(ok, { y: f(1, 2), x: f(1) }, { alpha: 0.05 }))).toBe('length_mismatch');
    expect(code(() => compareMetric(ok, { y: f(1, 2), n: f(1, 1) }, { alpha: 0.05 }))).toBe('metric_kind_mismatch');
    expect(code(() => compareMetric(ok, ok, { alpha: 1 }))).toBe('invalid_argument');
  });
});

describe('compareMetric, ratio metrics', () => {
  it('is the ratio of sums, not the mean of ratios: y = [0, 10] over n = [1, 9] gives R = 1', () => {
    const r = compareMetric({ y: f(0, 10), n: f(1, 9) }, { y: f(0, 10), n: f(1, 9) }, { alpha: 0.05 });
    expect(r).toMatchObject({ kind: 'ratio', test: 'z' });
    expect(r.control.estimate).toBe(1);
    expect(r.difference.df).toBe(Infinity);
  });

  it('has the delta-method variance: y = [1,2,3], n = [2,2,4] gives R = 0.75 and Var(R) = 0.25·3/64 = 0.01171875', () => {
    // s²_y = 1, s²_n = 4/3, s_yn = 1, μ_n = 8/3: (1 − 2·0.75·1 + 0.75²·4/3)/(3·(8/3)²) = 0.25/(64/3)
    const r = compareMetric({ y: f(1, 2, 3), n: f(2, 2, 4) }, { y: f(2, 2, 3), n: f(2, 2, 4) }, { alpha: 0.05 });
    expect(r.control.estimate).toBe(0.75);
    expect(r.control.se ** 2).toBeCloseTo(0.01171875, 16);
    expect(r.difference.estimate).toBeCloseTo(0.125, 15);
    expect(r.difference.ci[1] - r.difference.estimate).toBeCloseTo(normalIsf(0.025) * r.difference.se, 14);
  });

  it('a constant per-unit ratio has se 0; Σn = 0 and a negative n are refused', () => {
    const r = compareMetric({ y: f(1, 2, 4), n: f(2, 4, 8) }, { y: f(1, 3), n: f(2, 6) }, { alpha: 0.05 });
    expect(r.control.se).toBe(0);
    expect(r.difference).toMatchObject({ estimate: 0, se: 0, pValue: 1 });
    expect(code(() => compareMetric({ y: f(0, 0), n: f(0, 0) }, { y: f(1, 2), n: f(1, 1) }, { alpha: 0.05 }))).toBe('zero_denominator');
    expect(code(() => compareMetric({ y: f(0, 1), n: f(-1, 2) }, { y: f(1, 2), n: f(1, 1) }, { alpha: 0.05 }))).toBe('invalid_argument');
  });
});

describe('CUPED', () => {
  const y = f(3, 1, 4, 1, 5, 9, 2, 6);
  const control = { y: y.subarray(0, 4), x: y.subarray(0, 4) };
  const treatment = { y: y.subarray(4), x: y.subarray(4) };

  it('with x = y, θ = 1 and every adjusted value is the pooled mean of x: the whole variance goes', () => {
    const r = compareMetric(control, treatment, { alpha: 0.05, cuped: true });
    expect(r.cuped!.theta).toBeCloseTo(1, 14);
    expect(r.cuped!.varianceReduction).toBeCloseTo(1, 12);
    expect(r.control.estimate).toBeCloseTo(3.875, 13); // the pooled mean
    expect(r.difference.estimate).toBeCloseTo(0, 13);
  });

  it('a constant covariate adjusts nothing (θ = 0); without x CUPED is skipped; x in one arm only is refused', () => {
    const flat = compareMetric({ y: control.y, x: f(2, 2, 2, 2) }, { y: treatment.y, x: f(2, 2, 2, 2) }, { alpha: 0.05, cuped: true });
    expect(flat.cuped).toEqual({ theta: 0, varianceReduction: 0 });
    expect(flat.difference).toEqual(compareMetric({ y: control.y }, { y: treatment.y }, { alpha: 0.05 }).difference);
    expect(compareMetric({ y: control.y }, { y: treatment.y }, { alpha: 0.05, cuped: true }).cuped).toBeUndefined();
    expect(compareMetric(control, treatment, { alpha: 0.05 }).cuped).toBeUndefined(); // not asked for
    expect(code(() => compareMetric(control, { y: treatment.y }, { alpha: 0.05, cuped: true }))).toBe('missing_covariate');
  });

  it('on a ratio metric adjusts the linearized values: with x = n and y = 2n + noise the ratio stays near 2', () => {
    const n = f(1, 5, 2, 8, 3, 7, 4, 6);
    const yr = n.map((v, i) => 2 * v + (i % 2 ? 0.5 : -0.5));
    const arms = [0, 4].map((s) => ({ y: yr.subarray(s, s + 4), n: n.subarray(s, s + 4), x: n.subarray(s, s + 4) }));
    const r = compareMetric(arms[0], arms[1], { alpha: 0.05, cuped: true });
    expect(r.kind).toBe('ratio');
    expect(Math.abs(r.control.estimate - 2)).toBeLessThan(0.1);
    expect(r.cuped!.varianceReduction).toBeGreaterThanOrEqual(0);
  });
});

describe('nonInferiority', () => {
  // difference 2.5, se √(25/12), Welch df ≈ 4.41
  const cmp = compareMetric({ y: f(1, 2, 3, 4) }, { y: f(2, 4, 6, 8) }, { alpha: 0.05 });
  const { se, df } = cmp.difference;

  it('higher is better: the one-sided lower bound 2.5 − t₀.₉₅·se against −margin', () => {
    const r = nonInferiority(cmp, { absolute: 1 }, 'higher_is_better', 0.05);
    expect(r.bound).toBeCloseTo(2.5 - studentTIsf(0.05, df) * se, 13);
    expect(r.statistic).toBeCloseTo(3.5 / se, 14);
    expect(r).toMatchObject({ margin: 1, absoluteMargin: 1, passed: true });
    expect(r.pValue).toBeLessThan(0.05);
  });

  it('lower is better: the upper bound against +margin, so a treatment 2.5 higher fails a margin of 1', () => {
    const r = nonInferiority(cmp, { absolute: 1 }, 'lower_is_better', 0.05);
    expect(r.bound).toBeCloseTo(2.5 + studentTIsf(0.05, df) * se, 13);
    expect(r.passed).toBe(false);
    expect(r.pValue).toBeGreaterThan(0.5);
  });

  it('a relative margin is a fraction of the control estimate; p < α exactly when the bound clears the margin', () => {
    const r = nonInferiority(cmp, { relative: 0.4 }, 'lower_is_better', 0.05);
    expect(r).toMatchObject({ margin: 0.4, absoluteMargin: 1 }); // 0.4 × 2.5
    for (const m of [0, 1, 3, 5, 6, 8, 12]) {
      for (const direction of ['higher_is_better', 'lower_is_better'] as const) {
        const t = nonInferiority(cmp, { absolute: m }, direction, 0.05);
        expect(t.passed).toBe(t.pValue < 0.05);
      }
    }
  });

  it('without variation the verdict is certain; margins must be one of absolute/relative, ≥ 0', () => {
    const flat = compareMetric({ y: f(1, 1) }, { y: f(0.5, 0.5) }, { alpha: 0.05 });
    expect(nonInferiority(flat, { absolute: 1 }, 'higher_is_better', 0.05)).toMatchObject({ bound: -0.5, pValue: 0, passed: true });
    expect(nonInferiority(flat, { relative: 0.2 }, 'higher_is_better', 0.05)).toMatchObject({ pValue: 1, passed: false });
    expect(code(() => nonInferiority(cmp, {}, 'higher_is_better', 0.05))).toBe('invalid_argument');
    expect(code(() => nonInferiority(cmp, { absolute: 1, relative: 0.1 }, 'higher_is_better', 0.05))).toBe('invalid_argument');
    expect(code(() => nonInferiority(cmp, { absolute: -1 }, 'higher_is_better', 0.05))).toBe('invalid_argument');
  });
});

describe('confidenceSequence', () => {
  it('one look: θ̂ ± √(V(V+τ²)/τ²·(ln(1 + τ²/V) − 2 ln α)) and p = √((V+τ²)/V)·exp(−τ²θ̂²/(2V(V+τ²)))', () => {
    const [r] = confidenceSequence([{ estimate: 0.3, variance: 0.01 }], 0.05, 0.04);
    const half = Math.sqrt(((0.01 * 0.05) / 0.04) * (Math.log(5) - 2 * Math.log(0.05)));
    expect(r.ci[0]).toBeCloseTo(0.3 - half, 14);
    expect(r.ci[1]).toBeCloseTo(0.3 + half, 14);
    expect(r.pValue).toBeCloseTo(Math.sqrt(5) * Math.exp(-(0.04 * 0.09) / (2 * 0.01 * 0.05)), 14);
    // always wider than the fixed-horizon z interval: the price of peeking
    expect(half).toBeGreaterThan(normalIsf(0.025) * 0.1);
  });

  it('only tightens: nested intervals and non-increasing p-values, and p ≤ α exactly when 0 is outside', () => {
    const looks = [0.5, -0.2, 0.1, 0.3, 0.05, 0.2, 0.15, 0.18].map((estimate, k) => ({ estimate, variance: 0.2 / (k + 1) }));
    const seq = confidenceSequence(looks, 0.05, 0.01);
    for (let k = 1; k < seq.length; k++) {
      expect(seq[k].ci[0]).toBeGreaterThanOrEqual(seq[k - 1].ci[0]);
      expect(seq[k].ci[1]).toBeLessThanOrEqual(seq[k - 1].ci[1]);
      expect(seq[k].pValue).toBeLessThanOrEqual(seq[k - 1].pValue);
    }
    for (const s of seq) expect(s.pValue <= 0.05).toBe(s.ci[0] > 0 || s.ci[1] < 0);
    expect(confidenceSequence([{ estimate: 0, variance: 1 }], 0.05, 1)[0].pValue).toBe(1);
  });

  it('mixingVariance is mde²; bad variances, τ² and MDEs are refused', () => {
    expect(mixingVariance(0.02)).toBeCloseTo(0.0004, 18);
    expect(mixingVariance(-3)).toBe(9);
    expect(code(() => mixingVariance(0))).toBe('invalid_argument');
    expect(code(() => confidenceSequence([{ estimate: 1, variance: 0 }], 0.05, 1))).toBe('invalid_argument');
    expect(code(() => confidenceSequence([{ estimate: NaN, variance: 1 }], 0.05, 1))).toBe('non_finite_value');
    expect(code(() => confidenceSequence([], 0.05, 0))).toBe('invalid_argument');
  });
});

describe('planning', () => {
  it('the textbook case: α 0.05, power 0.8, d = 0.2 needs 392.4 → 393 per arm', () => {
    const n = sampleSizeForMde({ alpha: 0.05, power: 0.8, sd: 1, mde: 0.2, ratio: 1 });
    expect(n).toMatchObject({ control: 393, treatment: 393 });
    expect(n.exact.control).toBeCloseTo(392.443, 3);
    const unequal = sampleSizeForMde({ alpha: 0.05, power: 0.8, sd: 1, mde: 0.2, ratio: 2 });
    expect(unequal.exact.treatment / unequal.exact.control).toBeCloseTo(2, 14);
    expect(unequal.exact.control).toBeCloseTo(392.443 * 0.75, 2); // Ñ fixed: n_c = Ñ(1 + 1/ratio)
  });

  it("round trip: mdeForSampleSize(sampleSizeForMde(x)) = x, and the ceil'd sizes give at least the power asked", () => {
    for (const [alpha, power, sd, mde, ratio] of [
      [0.05, 0.8, 1, 0.2, 1],
      [0.01, 0.9, 3.5, 0.1, 3],
      [0.1, 0.6, 0.2, 0.01, 0.5],
    ]) {
      const n = sampleSizeForMde({ alpha, power, sd, mde, ratio });
      expect(mdeForSampleSize({ alpha, power, sd, ...n.exact })).toBeCloseTo(mde, 12);
      expect(mdeForSampleSize({ alpha, power, sd, control: n.control, treatment: n.treatment })).toBeLessThanOrEqual(mde);
      expect(powerFor({ alpha, sd, mde, ...n.exact })).toBeCloseTo(power, 12);
      expect(powerFor({ alpha, sd, mde, control: n.control, treatment: n.treatment })).toBeGreaterThanOrEqual(power);
    }
  });

  it('power tends to α for a vanishing effect and grows with the sample; bad parameters are refused', () => {
    expect(powerFor({ alpha: 0.05, sd: 1, mde: 1e-9, control: 100, treatment: 100 })).toBeCloseTo(0.05, 12);
    expect(powerFor({ alpha: 0.05, sd: 1, mde: 0.2, control: 1000, treatment: 1000 })).toBeGreaterThan(0.99);
    expect(code(() => sampleSizeForMde({ alpha: 0.05, power: 0.04, sd: 1, mde: 0.2, ratio: 1 }))).toBe('invalid_argument');
    expect(code(() => sampleSizeForMde({ alpha: 0.05, power: 0.8, sd: 0, mde: 0.2, ratio: 1 }))).toBe('invalid_argument');
    expect(code(() => sampleSizeForMde({ alpha: 0.05, power: 0.8, sd: 1, mde: 0, ratio: 1 }))).toBe('invalid_argument');
    expect(code(() => mdeForSampleSize({ alpha: 0.05, power: 0.8, sd: 1, control: 0, treatment: 10 }))).toBe('invalid_argument');
  });
});
