import { describe, expect, it } from 'vitest';
import { normalIsf, normalSf, StatsInputError, wilsonInterval } from '@assay/stats';
import {
  agreementReport,
  bradleyTerry,
  cohensKappa,
  ComparisonGraphError,
  fleissKappa,
  kendallTauB,
  krippendorffAlpha,
  pairwiseAccuracy,
  percentAgreement,
  spearman,
  winRates,
  type PairOutcome,
  type PairwiseComparison,
  type RatingMatrix,
} from '@assay/human-stats';

const N = null;
/** Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011): 4 observers (columns) × 12 units (rows). */
const KRIPPENDORFF_2011: RatingMatrix = [
  [1, 1, N, 1],
  [2, 2, 3, 2],
  [3, 3, 3, 3],
  [3, 3, 3, 3],
  [2, 2, 2, 2],
  [1, 2, 3, 4],
  [4, 4, 4, 4],
  [1, 1, 2, 1],
  [2, 2, 2, 2],
  [N, 5, 5, 5],
  [N, N, 1, 1],
  [N, 3, N, N],
];

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as StatsInputError).code;
  }
  return 'no error';
};

describe("Krippendorff's α", () => {
  it("reproduces Krippendorff's 2011 worked example to the published 3 decimals", () => {
    expect(krippendorffAlpha(KRIPPENDORFF_2011, 'nominal')).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(KRIPPENDORFF_2011, 'ordinal')).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(KRIPPENDORFF_2011, 'interval')).toBeCloseTo(0.849, 3);
  });

  it('drops unpairable units (the 12th has one rating)', () => {
    for (const level of ['nominal', 'ordinal', 'interval'] as const) {
      expect(krippendorffAlpha(KRIPPENDORFF_2011.slice(0, 11), level)).toBe(krippendorffAlpha(KRIPPENDORFF_2011, level));
    }
  });

  it('is 1 for perfect agreement, NaN with no variation, and invariant to relabelling nominal codes', () => {
    expect(
      krippendorffAlpha(
        [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
        'interval',
      ),
    ).toBe(1);
    expect(
      krippendorffAlpha(
        [
          [2, 2],
          [2, 2],
        ],
        'nominal',
      ),
    ).toBeNaN();
    const relabelled = KRIPPENDORFF_2011.map((row) => row.map((v) => (v === null ? null : 100 - 7 * v)));
    expect(krippendorffAlpha(relabelled, 'nominal')).toBeCloseTo(krippendorffAlpha(KRIPPENDORFF_2011, 'nominal'), 14);
    // ordinal uses only the order: reversing it changes nothing
    expect(krippendorffAlpha(relabelled, 'ordinal')).toBeCloseTo(krippendorffAlpha(KRIPPENDORFF_2011, 'ordinal'), 14);
  });

  it('rejects empty, ragged and non-finite matrices', () => {
    expect(code(() => krippendorffAlpha([], 'nominal'))).toBe('empty_sample');
    expect(code(() => krippendorffAlpha([[1, 2], [1]], 'nominal'))).toBe('length_mismatch');
    expect(code(() => krippendorffAlpha([[1, NaN]], 'nominal'))).toBe('non_finite_value');
    expect(code(() => krippendorffAlpha([[1, 2]], 'ratio' as never))).toBe('invalid_argument');
  });
});

describe("Fleiss' κ and percent agreement", () => {
  it('takes Fleiss over the items with the modal number of ratings', () => {
    const modal = KRIPPENDORFF_2011.filter((row) => row.filter((v) => v !== null).length === 4);
    expect(modal.length).toBe(8);
    expect(fleissKappa(KRIPPENDORFF_2011)).toBe(fleissKappa(modal));
  });

  it('matches a hand computation', () => {
    // items [1,1,1], [1,1,2], [2,2,2]: P_i = 1, 1/3, 1; p = (5/9, 4/9); P̄ = 7/9, P_e = 41/81
    expect(
      fleissKappa([
        [1, 1, 1],
        [1, 1, 2],
        [2, 2, 2],
      ]),
    ).toBeCloseTo((7 / 9 - 41 / 81) / (1 - 41 / 81), 15);
    expect(
      percentAgreement([
        [1, 1, 2],
        [1, 1, N],
        [3, N, N],
      ]),
    ).toBeCloseTo((1 / 3 + 1) / 2, 15);
  });
});

describe("Cohen's κ", () => {
  it('matches hand computations, skipping items either rater missed', () => {
    // p_o = 3/4, p_e = ½·¼ + ½·¾ = ½
    expect(cohensKappa([1, 1, 2, 2, N], [1, 2, 2, 2, 1])).toBeCloseTo(0.5, 15);
    // linear: observed |x − y| mean 1/4 over 4 pairs, expected mean over all 16 cross pairs 8/16
    expect(cohensKappa([1, 1, 2, 2], [1, 2, 2, 2], 'linear')).toBeCloseTo(1 - 0.25 / 0.5, 15);
    expect(cohensKappa([1, 2, 3], [1, 2, 3], 'quadratic')).toBe(1);
  });

  it('rejects mismatched lengths and no shared items', () => {
    expect(code(() => cohensKappa([1, 2], [1]))).toBe('length_mismatch');
    expect(code(() => cohensKappa([1, N], [N, 2]))).toBe('empty_sample');
  });
});

describe('agreementReport', () => {
  it('reports counts, seeded bootstrap intervals around the estimates and the Cohen pairs with enough shared items', () => {
    const opts = { level: 'ordinal' as const, resamples: 400, seed: 3, minPairItems: 10 };
    const r = agreementReport(KRIPPENDORFF_2011, opts);
    expect([r.items, r.raters, r.ratings]).toEqual([12, 4, 41]);
    expect(r.alpha.estimate).toBe(krippendorffAlpha(KRIPPENDORFF_2011, 'ordinal'));
    expect(r.alpha.n).toBe(11);
    expect(r.fleissKappa!.n).toBe(8);
    for (const e of [r.alpha, r.fleissKappa!, r.percentAgreement]) {
      expect(e.ci[0]).toBeLessThanOrEqual(e.estimate);
      expect(e.ci[1]).toBeGreaterThanOrEqual(e.estimate);
    }
    expect(r.cohenPairs.map((p) => [p.raterA, p.raterB, p.n])).toEqual([
      [1, 3, 10],
      [2, 3, 10],
    ]);
    expect(r.cohenPairs[0].kappa).toBe(
      cohensKappa(
        KRIPPENDORFF_2011.map((row) => row[1]),
        KRIPPENDORFF_2011.map((row) => row[3]),
        'linear',
      ),
    );
    expect(agreementReport(KRIPPENDORFF_2011, opts)).toEqual(r);
  });
});

const games = (list: [number, number, PairOutcome, number][]): PairwiseComparison[] =>
  list.flatMap(([a, b, outcome, times]) => Array.from({ length: times }, () => ({ a, b, outcome })));

describe('Bradley–Terry', () => {
  it('fits two players in closed form: θ₁ = log(wins₁/wins₀), SE² = 1/w₀ + 1/w₁', () => {
    const fit = bradleyTerry(
      2,
      games([
        [0, 1, 'a', 3],
        [0, 1, 'b', 6],
      ]),
    );
    expect(fit.strength[1]).toBeCloseTo(Math.log(2), 12);
    expect(fit.se[1]).toBeCloseTo(Math.sqrt(1 / 3 + 1 / 6), 12);
    expect(fit.ci[1][1] - fit.strength[1]).toBeCloseTo(normalIsf(0.025) * fit.se[1], 12);
    expect([fit.wins, fit.losses, fit.comparisons]).toEqual([
      [3, 6],
      [6, 3],
      [9, 9],
    ]);
    expect(fit.converged).toBe(true);
  });

  it("fits Davidson's tie parameter in closed form for two equal players: ν = 2τ/(1 − τ)", () => {
    const data = games([
      [0, 1, 'a', 4],
      [0, 1, 'b', 4],
      [1, 0, 'tie', 2],
    ]);
    const fit = bradleyTerry(2, data);
    expect(fit.strength[1]).toBeCloseTo(0, 12);
    expect(fit.tieParameter).toBeCloseTo((2 * 0.2) / 0.8, 12);
    expect(fit.ties).toEqual([2, 2]);
    expect(bradleyTerry(2, data, { ties: 'ignore' }).tieParameter).toBeNull();
  });

  it('moves the reference without changing differences', () => {
    const data = games([
      [0, 1, 'a', 5],
      [1, 2, 'a', 4],
      [2, 0, 'a', 2],
      [1, 0, 'a', 2],
      [2, 1, 'tie', 3],
      [0, 2, 'a', 3],
    ]);
    const [a, b] = [bradleyTerry(3, data), bradleyTerry(3, data, { reference: 2 })];
    for (let p = 0; p < 3; p++) expect(b.strength[p]).toBeCloseTo(a.strength[p] - a.strength[2], 10);
    expect(b.logLikelihood).toBeCloseTo(a.logLikelihood, 10);
    // var(θ₁ − θ₂) does not depend on the reference either
    const v = (f: typeof a) => f.covariance[1][1] + f.covariance[2][2] - 2 * f.covariance[1][2];
    expect(v(b)).toBeCloseTo(v(a), 10);
  });

  it('refuses data without an MLE with a typed error naming the players', () => {
    const problem = (players: number, data: PairwiseComparison[]) => {
      try {
        bradleyTerry(players, data);
      } catch (e) {
        expect(e).toBeInstanceOf(StatsInputError);
        return [(e as ComparisonGraphError).problem, (e as ComparisonGraphError).players];
      }
      return 'no error';
    };
    expect(
      problem(
        4,
        games([
          [0, 1, 'a', 2],
          [1, 0, 'a', 1],
          [2, 3, 'a', 1],
          [3, 2, 'a', 1],
        ]),
      ),
    ).toEqual(['disconnected', [2, 3]]);
    expect(
      problem(
        3,
        games([
          [0, 1, 'a', 2],
          [1, 0, 'a', 1],
          [0, 2, 'a', 1],
          [1, 2, 'a', 1],
        ]),
      ),
    ).toEqual(['never_wins', [2]]);
    expect(
      problem(
        3,
        games([
          [0, 1, 'a', 2],
          [1, 0, 'a', 1],
          [2, 0, 'a', 1],
          [2, 1, 'a', 1],
        ]),
      ),
    ).toEqual(['never_loses', [2]]);
    const groups = games([
      [0, 1, 'a', 1],
      [1, 0, 'a', 1],
      [2, 3, 'a', 1],
      [3, 2, 'a', 1],
      [0, 2, 'a', 1],
      [1, 3, 'a', 1],
    ]);
    expect(problem(4, groups)).toEqual(['unbeaten_group', [0, 1]]);
    // a tie links both ways when ties are modelled, but with no cycle of more wins than ties ν diverges
    expect(
      problem(
        2,
        games([
          [0, 1, 'a', 2],
          [0, 1, 'tie', 1],
        ]),
      ),
    ).toEqual(['unbounded_ties', []]);
    expect(
      problem(
        3,
        games([
          [0, 1, 'a', 2],
          [1, 0, 'a', 1],
          [0, 2, 'a', 1],
          [1, 2, 'tie', 1],
        ]),
      ),
    ).toBe('no error');
    expect(problem(2, games([[0, 1, 'tie', 3]]))).toEqual(['no_decisive_outcome', []]);
    expect(code(() => bradleyTerry(2, [{ a: 0, b: 2, outcome: 'a' }]))).toBe('invalid_argument');
    expect(code(() => bradleyTerry(2, [{ a: 1, b: 1, outcome: 'a' }]))).toBe('invalid_argument');
  });
});

describe('winRates and pairwiseAccuracy', () => {
  it('count a tie as half; Wilson interval as @assay/stats gives it, also at half counts', () => {
    const rates = winRates(
      3,
      games([
        [0, 1, 'a', 6],
        [1, 0, 'a', 2],
        [0, 1, 'tie', 1],
      ]),
    );
    expect(rates[0]).toMatchObject({ wins: 6, losses: 2, ties: 1, n: 9, rate: 6.5 / 9 });
    expect(rates[2]).toMatchObject({ n: 0, ci: [0, 1] });
    const integral = winRates(
      2,
      games([
        [0, 1, 'a', 7],
        [0, 1, 'b', 3],
      ]),
    )[0].ci;
    expect(integral[0]).toBeCloseTo(wilsonInterval(7, 10, 0.05)[0], 12);
    expect(integral[1]).toBeCloseTo(wilsonInterval(7, 10, 0.05)[1], 12);
    // Wilson's formula at x = 6.5, n = 9 directly
    const [p, n, z] = [6.5 / 9, 9, normalIsf(0.025)];
    const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
    expect(rates[0].ci[0]).toBeCloseTo(centre - half, 12);
    expect(rates[0].ci[1]).toBeCloseTo(centre + half, 12);
  });

  it('pairwise accuracy: human ties left out, score ties half right', () => {
    const r = pairwiseAccuracy([
      { scoreA: 0.9, scoreB: 0.1, preferred: 'a' },
      { scoreA: 0.2, scoreB: 0.1, preferred: 'b' },
      { scoreA: 0.5, scoreB: 0.5, preferred: 'a' },
      { scoreA: 0.1, scoreB: 0.7, preferred: 'b' },
      { scoreA: 0.3, scoreB: 0.2, preferred: 'tie' },
    ]);
    expect(r).toMatchObject({ accuracy: 2.5 / 4, n: 4, scoreTies: 1 });
    expect(code(() => pairwiseAccuracy([]))).toBe('empty_sample');
  });
});

describe('rank correlations', () => {
  it('are ±1 with p = 0 and a degenerate interval for monotone data, NaN for constant data', () => {
    const x = [1, 2, 3, 4, 5, 6];
    for (const f of [spearman, kendallTauB]) {
      expect(
        f(
          x,
          x.map((v) => v * v),
        ),
      ).toMatchObject({ estimate: 1, ci: [1, 1], n: 6 });
      expect(
        f(
          x,
          x.map((v) => -v),
        ).estimate,
      ).toBe(-1);
      expect(f(x, [3, 3, 3, 3, 3, 3]).estimate).toBeNaN();
    }
  });

  it("Spearman's p-value is 0 at |ρ| = 1 (t = ∞, as SciPy), Kendall's stays the asymptotic normal tail", () => {
    const x = [1, 2, 3, 4, 5, 6];
    expect(spearman(x, x).pValue).toBe(0);
    expect(kendallTauB(x, x).pValue).toBeCloseTo(2 * normalSf(15 / Math.sqrt((30 * 17) / 18)), 14);
  });

  it('Kendall τ-b matches the O(n²) definition with ties', () => {
    const x = [1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 1, 4];
    const y = [2, 1, 2, 2, 3, 5, 4, 4, 6, 5, 2, 1];
    let [s, tx, ty] = [0, 0, 0];
    for (let i = 0; i < x.length; i++) {
      for (let j = i + 1; j < x.length; j++) {
        const [dx, dy] = [Math.sign(x[i] - x[j]), Math.sign(y[i] - y[j])];
        s += dx * dy;
        tx += dx !== 0 ? 1 : 0;
        ty += dy !== 0 ? 1 : 0;
      }
    }
    expect(kendallTauB(x, y).estimate).toBeCloseTo(s / Math.sqrt(tx * ty), 14);
  });

  it('document their interval: Fisher z with the Bonett–Wright and Fieller SEs', () => {
    const x = [3, 1, 4, 1.5, 5, 9, 2, 6, 5.5, 3.5];
    const y = [2, 7, 1, 8, 2.5, 8.5, 1.8, 2.8, 4.5, 9];
    const z = normalIsf(0.05);
    const rho = spearman(x, y, { confidence: 0.9 });
    expect(rho.ci[1]).toBeCloseTo(Math.tanh(Math.atanh(rho.estimate) + z * Math.sqrt((1 + rho.estimate ** 2 / 2) / 7)), 14);
    const tau = kendallTauB(x, y, { confidence: 0.9 });
    expect(tau.ci[0]).toBeCloseTo(Math.tanh(Math.atanh(tau.estimate) - z * Math.sqrt(0.437 / 6)), 14);
  });

  it('reject mismatched and too short input', () => {
    expect(code(() => spearman([1, 2, 3, 4], [1, 2, 3]))).toBe('length_mismatch');
    expect(code(() => spearman([1, 2, 3], [1, 2, 3]))).toBe('too_few_values');
    expect(code(() => kendallTauB([1, 2, 3, 4], [1, 2, 3, 4]))).toBe('too_few_values');
  });
});
