import { describe, expect, it } from 'vitest';
import { createRng } from '@assay/stats';
import {
  CausalError,
  designMatrix,
  eValueForDifference,
  eValueRiskRatio,
  estimateEffect,
  logit,
  ols,
  requireFullRank,
  type CausalErrorCode,
  type Design,
} from '@assay/causal';

function throwsCode(fn: () => unknown, code: CausalErrorCode): CausalError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CausalError);
    expect((err as CausalError).code, (err as Error).message).toBe(code);
    return err as CausalError;
  }
  throw new Error(`expected CausalError ${code}`);
}

/** Intercept plus the given numeric columns. */
function numericDesign(columns: Record<string, number[]>): Design {
  const names = Object.keys(columns);
  const rows = columns[names[0]].length;
  return designMatrix(
    Array.from({ length: rows }, (_, i) => Object.fromEntries(names.map((n) => [n, columns[n][i]]))),
    names.map((name) => ({ name, kind: 'numeric' as const })),
  );
}

/** A confounded observational table: c drives both the treatment and the outcome; the effect is 1. */
function confounded(seed: number, n: number) {
  const rng = createRng(seed);
  const c: number[] = [];
  const t: number[] = [];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    c.push(rng.normal());
    t.push(rng.nextFloat() < 1 / (1 + Math.exp(-1.2 * c[i])) ? 1 : 0);
    y[i] = t[i] + 2 * c[i] + rng.normal();
  }
  return { design: numericDesign({ c }), t, y };
}

describe('designMatrix', () => {
  it('puts the intercept first, numeric columns as they are, categoricals one-hot with the first sorted level dropped', () => {
    const d = designMatrix(
      [
        { category: 'shoes', price: 12.5, premium: true },
        { category: 'bags', price: 30, premium: false },
        { category: 'hats', price: 8, premium: true },
        { category: 'shoes', price: 20, premium: false },
      ],
      [
        { name: 'category', kind: 'categorical' },
        { name: 'price', kind: 'numeric' },
        { name: 'premium', kind: 'categorical' },
      ],
    );
    expect(d.names).toEqual(['Intercept', 'category[T.hats]', 'category[T.shoes]', 'price', 'premium[T.True]']);
    expect(d.rows).toBe(4);
    expect(d.cols).toBe(5);
    expect(Array.from(d.x)).toEqual([1, 0, 1, 12.5, 1, 1, 0, 0, 30, 0, 1, 1, 0, 8, 1, 1, 0, 1, 20, 0]);
  });

  it('sorts numeric category codes numerically (patsy) and names them as printed', () => {
    const d = designMatrix([{ band: 10 }, { band: 9 }, { band: 2 }], [{ name: 'band', kind: 'categorical' }]);
    expect(d.names).toEqual(['Intercept', 'band[T.9]', 'band[T.10]']);
    expect(Array.from(d.x)).toEqual([1, 0, 1, 1, 1, 0, 1, 0, 0]);
  });

  it('rejects missing and non-numeric values naming the column, and duplicate columns', () => {
    const err = throwsCode(() => designMatrix([{ price: 1 }, { price: null }], [{ name: 'price', kind: 'numeric' }]), 'invalid_input');
    expect(err.message).toContain('price');
    expect(err.details).toEqual({ column: 'price', row: 1 });
    throwsCode(() => designMatrix([{ price: 'cheap' }], [{ name: 'price', kind: 'numeric' }]), 'invalid_input');
    throwsCode(() => designMatrix([{ price: NaN }], [{ name: 'price', kind: 'numeric' }]), 'invalid_input');
    throwsCode(() => designMatrix([{ cat: null }], [{ name: 'cat', kind: 'categorical' }]), 'invalid_input');
    throwsCode(
      () =>
        designMatrix(
          [{ a: 1 }],
          [
            { name: 'a', kind: 'numeric' },
            { name: 'a', kind: 'numeric' },
          ],
        ),
      'invalid_input',
    );
  });
});

describe('requireFullRank', () => {
  it('names a column that is a linear combination of earlier ones', () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [0.5, -1, 2, 0, 3, 1];
    const d = numericDesign({ a, b, sum: a.map((v, i) => v + 2 * b[i]), free: [3, 1, 4, 1, 5, 9] });
    const err = throwsCode(() => requireFullRank(d), 'design_singular');
    expect(err.details).toEqual({ columns: ['sum'] });
    expect(err.message).toContain('sum');
    const y = Float64Array.from([1, 2, 3, 2, 1, 0]);
    expect(throwsCode(() => ols(y, d), 'design_singular').details).toEqual({ columns: ['sum'] });
  });

  it('names a constant column (aliased with the intercept) and accepts a full-rank design with wildly different scales', () => {
    throwsCode(() => requireFullRank(numericDesign({ a: [1, 2, 3, 4], k: [7, 7, 7, 7] })), 'design_singular');
    expect(() =>
      requireFullRank(numericDesign({ price: [1e6, 2e6, 3.5e6, 1e6], flag: [0, 1, 0, 0], tiny: [1e-6, 0, 3e-6, 2e-6] })),
    ).not.toThrow();
  });
});

describe('ols', () => {
  it('simple regression: slope cov(x, y)/var(x), classical SE by hand, t p-value', () => {
    const x = [1, 2, 3, 4, 5];
    const y = Float64Array.from([2.1, 3.9, 6.2, 7.8, 10.1]);
    const fit = ols(y, numericDesign({ x }));
    // x̄ = 3, Sxx = 10, Sxy = 19.9: slope 1.99, intercept 6.02 − 5.97 = 0.05; RSS = 0.107, s² = RSS/3
    expect(fit.coef[1]).toBeCloseTo(1.99, 12);
    expect(fit.coef[0]).toBeCloseTo(0.05, 12);
    expect(fit.se[1]).toBeCloseTo(Math.sqrt(0.107 / 3 / 10), 12);
    expect(fit.dfResid).toBe(3);
    expect(fit.covType).toBe('nonrobust');
    expect(fit.pValues[1]).toBeLessThan(1e-4);
  });

  it('HC1 and cluster options, and their input checks', () => {
    const { design, y } = confounded(3, 200);
    const hc1 = ols(y, design, { cov: 'HC1' });
    expect(hc1.covType).toBe('HC1');
    const groups = Array.from({ length: 200 }, (_, i) => `g${i % 10}`);
    const cl = ols(y, design, { groups });
    expect(cl.covType).toBe('cluster');
    expect(cl.clusters).toBe(10);
    expect(Array.from(cl.coef)).toEqual(Array.from(hc1.coef));
    throwsCode(() => ols(y, design, { cov: 'cluster' }), 'invalid_input');
    throwsCode(() => ols(y, design, { cov: 'HC1', groups }), 'invalid_input');
    throwsCode(() => ols(y, design, { groups: groups.slice(1) }), 'invalid_input');
    throwsCode(() => ols(y.subarray(1), design), 'invalid_input');
    throwsCode(
      () =>
        ols(
          Float64Array.from(y, (v, i) => (i === 7 ? NaN : v)),
          design,
        ),
      'invalid_input',
    );
    throwsCode(() => ols(Float64Array.from([1, 2]), numericDesign({ a: [1, 2] })), 'not_enough_rows');
    throwsCode(() => ols(y, { ...design, names: ['Intercept'] }), 'invalid_input');
    throwsCode(() => ols(y, design, { weights: Array.from(y, (_, i) => (i === 3 ? -1 : 1)) }), 'invalid_input');
    throwsCode(() => ols(y, design, { weights: [1, 2] }), 'invalid_input');
    // unit weights are OLS
    expect(Array.from(ols(y, design, { cov: 'HC1', weights: Array.from(y, () => 1) }).se)).toEqual(Array.from(hc1.se));
  });
});

describe('logit', () => {
  it('throws separation when a covariate predicts the outcome perfectly', () => {
    const x = [-3, -2, -1, -0.5, 0.5, 1, 2, 3];
    const err = throwsCode(() => logit([0, 0, 0, 0, 1, 1, 1, 1], numericDesign({ x })), 'separation');
    expect(err.details).toMatchObject({ perfectlyPredicted: 8, rows: 8 });
  });

  it('throws separation on quasi-perfect separation (a level where every row is treated)', () => {
    const rng = createRng(5);
    const rows = Array.from({ length: 120 }, (_, i) => ({ kind: i < 30 ? 'studio' : 'photo', z: rng.normal() }));
    const t = rows.map((r) => (r.kind === 'studio' ? 1 : rng.nextFloat() < 0.4 ? 1 : 0));
    const d = designMatrix(rows, [
      { name: 'kind', kind: 'categorical' },
      { name: 'z', kind: 'numeric' },
    ]);
    const err = throwsCode(() => logit(t, d), 'separation');
    expect(err.details!.perfectlyPredicted).toBe(30);
    throwsCode(() => estimateEffect({ y: new Float64Array(120).map(() => rng.normal()), t, design: d }), 'separation');
  });

  it('not_converged when maxIter is too small; rejects a treatment other than 0/1', () => {
    const { design, t } = confounded(9, 300);
    const fit = logit(t, design);
    expect(fit.converged).toBe(true);
    expect(fit.iterations).toBeLessThan(10);
    expect(fit.fitted.length).toBe(300);
    throwsCode(() => logit(t, design, { maxIter: 2 }), 'not_converged');
    throwsCode(
      () =>
        logit(
          t.map((v) => v * 2),
          design,
        ),
      'invalid_input',
    );
  });
});

describe('E-values (VanderWeele & Ding 2017)', () => {
  it('their worked example: RR 3.9 → 7.26, its lower limit 1.8 → 3.0; protective ratios are inverted', () => {
    expect(eValueRiskRatio(3.9)).toBeCloseTo(7.26, 2);
    expect(eValueRiskRatio(1.8)).toBeCloseTo(3.0, 2);
    expect(eValueRiskRatio(1)).toBe(1);
    expect(eValueRiskRatio(0.8)).toBeCloseTo(1.25 + Math.sqrt(1.25 * 0.25), 14);
    throwsCode(() => eValueRiskRatio(0), 'invalid_input');
  });

  it('continuous outcome: d = 0.5 sd → RR exp(0.455) → 2.529; the CI bound is 1 when the interval contains 0', () => {
    const rr = Math.exp(0.91 * 0.5);
    const e = eValueForDifference(1, [0.2, 1.8], 2);
    expect(e.point).toBeCloseTo(rr + Math.sqrt(rr * (rr - 1)), 14);
    expect(e.point).toBeCloseTo(2.529, 3);
    expect(e.ciBound).toBeCloseTo(eValueRiskRatio(Math.exp(0.091)), 14);
    expect(eValueForDifference(-1, [-1.8, -0.2], 2)).toEqual(e);
    expect(eValueForDifference(1, [-0.2, 2.2], 2).ciBound).toBe(1);
  });
});

describe('estimateEffect', () => {
  it('trims rows whose propensity falls outside the bounds, and counts them in the overlap summary', () => {
    const { design, t, y } = confounded(11, 1000);
    const e = logit(t, design).fitted;
    const outside = (lo: number, hi: number) => e.filter((v) => v < lo || v > hi).length;
    const r = estimateEffect({ y, t, design });
    expect(r.overlap.trimBounds).toEqual([0.05, 0.95]);
    expect(r.overlap.trimmed).toBe(outside(0.05, 0.95));
    expect(r.overlap.trimmed).toBeGreaterThan(10);
    expect(r.analysed.treated + r.analysed.control).toBe(1000 - r.overlap.trimmed);
    const wide = estimateEffect({ y, t, design, trim: [0.2, 0.8] });
    expect(wide.overlap.trimmed).toBe(outside(0.2, 0.8));
    // histograms are of all rows, before trimming
    expect(r.overlap.edges).toHaveLength(21);
    expect(r.overlap.treated.bins.reduce((a, b) => a + b) + r.overlap.control.bins.reduce((a, b) => a + b)).toBe(1000);
    expect(r.treated).toBe(t.filter((v) => v === 1).length);
    expect(r.overlap.treated.max).toBeGreaterThan(0.95);
  });

  it('no_overlap when fewer than 10 treated or control rows survive trimming', () => {
    const { design, t, y } = confounded(12, 400);
    const err = throwsCode(() => estimateEffect({ y, t, design, trim: [0.499, 0.5] }), 'no_overlap');
    expect(err.details).toHaveProperty('trimmed');
  });

  it('balance improves after weighting; the output carries the assumptions', () => {
    const { design, t, y } = confounded(13, 2000);
    const r = estimateEffect({ y, t, design });
    expect(r.balance).toHaveLength(1);
    expect(r.balance[0].covariate).toBe('c');
    expect(Math.abs(r.balance[0].smdBefore)).toBeGreaterThan(0.5);
    expect(Math.abs(r.balance[0].smdAfter)).toBeLessThan(0.1);
    expect(r.assumptions).toMatch(/unmeasured confounding/);
    expect(r.assumptions).toMatch(/overlap/);
    expect(r.propensity.converged).toBe(true);
    expect(Object.keys(r.propensity.coef)).toEqual(['Intercept', 'c']);
  });

  it('rejects bad input', () => {
    const { design, t, y } = confounded(14, 100);
    throwsCode(() => estimateEffect({ y, t: t.slice(1), design }), 'invalid_input');
    throwsCode(() => estimateEffect({ y, t: t.map((v) => (v ? 0.5 : 0)), design }), 'invalid_input');
    throwsCode(() => estimateEffect({ y, t, design, alpha: 1.5 }), 'invalid_input');
    throwsCode(() => estimateEffect({ y, t, design, trim: [0.9, 0.1] }), 'invalid_input');
    throwsCode(() => estimateEffect({ y, t, design, groups: [1, 2] }), 'invalid_input');
    throwsCode(() => estimateEffect({ y, t: t.map((_, i) => (i === 0 ? 1 : 0)), design }), 'not_enough_rows');
    throwsCode(() => estimateEffect({ y, t, design: { ...design, x: design.x.subarray(2) } }), 'invalid_input');
    // the treatment equal to a covariate leaves nothing to estimate
    const aliased = numericDesign({ flag: t });
    throwsCode(() => estimateEffect({ y, t, design: aliased }), 'design_singular');
  });
});
