/**
 * @assay/human-stats against its references: statsmodels 0.13.5 and SciPy 1.10.1 as Debian ships them
 * (/usr/bin/python3, or PARITY_PYTHON), and a by-hand Python transcription of Krippendorff's
 * coincidence-matrix algorithm (explicit o_ck loops), all run by test/parity/human_stats_reference.py, which
 * also draws the data: Krippendorff's 2011 worked example (4 observers × 12 units, missing values), Fleiss'
 * 1971 diagnoses (30 patients × 6 raters, the real dataset statsmodels' tests hold), seeded rating matrices
 * (60 × 5 and 40 × 6 with 25 % and 55 % missing, 300 × 3 with category codes 0, 1, 2, 5, 8, 500 × 4 complete,
 * 80 × 4 continuous with missing), seeded tied scores (a 1–5 rating against a judge score in quarter steps,
 * n = 8 … 3000) and seeded comparisons among 6 players (n = 300 and 5 000, reference 0 and 3).
 *
 * Tolerances (relative, absolute near 0):
 * - Krippendorff's α (nominal, ordinal, interval) against the transcription: 1e-12;
 * - Fleiss' κ (fleiss_kappa after aggregate_raters, over the modal-count items), Cohen's κ (cohens_kappa,
 *   unweighted and linear / quadratic on the category values), Spearman and Kendall τ-b estimates and
 *   p-values (spearmanr, kendalltau(method='asymptotic')): 1e-12 — the same sums in a different order;
 * - Bradley–Terry without ties against statsmodels' Logit on the ±1 design (reference column dropped, no
 *   intercept), fitted by Newton to 1e-14: coefficients and SEs within 1e-6 absolute as asked (the measured
 *   worst is printed: ~1e-15), log-likelihood 1e-10.
 * Measured worst otherwise: α 2e-13 (nominal), Cohen quadratic 1e-14, Spearman p-value 1e-14, the rest ≤ 2e-15.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bradleyTerry,
  cohensKappa,
  fleissKappa,
  kendallTauB,
  krippendorffAlpha,
  spearman,
  type AgreementLevel,
  type PairOutcome,
  type RatingMatrix,
} from '@assay/human-stats';

const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';

interface Reference {
  versions: Record<string, string>;
  agreement: { name: string; matrix: RatingMatrix; alpha: Record<AgreementLevel, number>; fleiss: { kappa: number; items: number } }[];
  cohen: { name: string; a: (number | null)[]; b: (number | null)[]; none: number; linear: number; quadratic: number }[];
  correlation: { name: string; x: number[]; y: number[]; spearman: [number, number]; kendall: [number, number] }[];
  bradley_terry: {
    name: string;
    players: number;
    reference: number;
    comparisons: [number, number, PairOutcome][];
    params: number[];
    bse: number[];
    llf: number;
  }[];
}

let ref: Reference;
const worst = new Map<string, number>();

/** Relative error, absolute below 1e-12; records the worst per label for the summary. */
function close(label: string, got: number, want: number, tol: number): void {
  const e = got === want ? 0 : Math.abs(got - want) / (Math.abs(want) < 1e-12 ? 1 : Math.abs(want));
  worst.set(label, Math.max(worst.get(label) ?? 0, e));
  expect(e, `${label}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
}

function closeAbs(label: string, got: number, want: number, tol: number): void {
  const e = Math.abs(got - want);
  worst.set(label, Math.max(worst.get(label) ?? 0, e));
  expect(e, `${label}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
}

beforeAll(async () => {
  const { stdout } = await promisify(execFile)(PYTHON, ['test/parity/human_stats_reference.py'], { maxBuffer: 64 * 1024 * 1024 });
  ref = JSON.parse(stdout) as Reference;
  expect(ref.versions.scipy).toBe('1.10.1');
  expect(ref.versions.statsmodels).toMatch(/^0\.13\.5/);
}, 120_000);

describe('@assay/human-stats parity with statsmodels 0.13 / SciPy 1.10 / the coincidence-matrix transcription', () => {
  it("Krippendorff's α, all three levels, against the by-hand coincidence matrix", () => {
    for (const c of ref.agreement) {
      for (const level of ['nominal', 'ordinal', 'interval'] as const)
        close(`alpha.${level}`, krippendorffAlpha(c.matrix, level), c.alpha[level], 1e-12);
    }
  });

  it("Fleiss' κ (statsmodels fleiss_kappa on the modal-count items), including Fleiss' 1971 diagnoses", () => {
    for (const c of ref.agreement) close('fleiss', fleissKappa(c.matrix), c.fleiss.kappa, 1e-12);
    expect(ref.agreement.find((c) => c.name === 'fleiss_1971_diagnoses')!.fleiss.kappa).toBeCloseTo(0.43, 2); // as Fleiss published
  });

  it("Cohen's κ unweighted, linear and quadratic (statsmodels cohens_kappa)", () => {
    for (const c of ref.cohen) {
      for (const w of ['none', 'linear', 'quadratic'] as const) close(`cohen.${w}`, cohensKappa(c.a, c.b, w), c[w], 1e-12);
    }
  });

  it('Spearman and Kendall τ-b with many ties (scipy spearmanr, kendalltau asymptotic): estimates and p-values', () => {
    for (const c of ref.correlation) {
      const rho = spearman(c.x, c.y);
      close('spearman.estimate', rho.estimate, c.spearman[0], 1e-12);
      close('spearman.pValue', rho.pValue, c.spearman[1], 1e-12);
      const tau = kendallTauB(c.x, c.y);
      close('kendall.estimate', tau.estimate, c.kendall[0], 1e-12);
      close('kendall.pValue', tau.pValue, c.kendall[1], 1e-12);
    }
  });

  it('Bradley–Terry without ties against statsmodels Logit on the ±1 design: coefficients and SEs within 1e-6', () => {
    for (const c of ref.bradley_terry) {
      const comparisons = c.comparisons.map(([a, b, outcome]) => ({ a, b, outcome }));
      const fit = bradleyTerry(c.players, comparisons, { reference: c.reference });
      expect(fit.converged).toBe(true);
      expect(fit.tieParameter).toBeNull();
      const others = [...Array(c.players).keys()].filter((p) => p !== c.reference);
      others.forEach((p, k) => {
        closeAbs('bt.coefficient', fit.strength[p], c.params[k], 1e-6);
        closeAbs('bt.se', fit.se[p], c.bse[k], 1e-6);
      });
      expect(fit.strength[c.reference]).toBe(0);
      expect(fit.se[c.reference]).toBe(0);
      close('bt.logLikelihood', fit.logLikelihood, c.llf, 1e-10);
    }
  });

  it('reports the worst errors', () => {
    console.log([...worst].map(([k, v]) => `${k.padEnd(20)} ${v.toExponential(2)}`).join('\n'));
  });
});
