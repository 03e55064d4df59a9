/**
 * @assay/causal against its references: statsmodels 0.13.5, patsy 0.5.3, SciPy 1.10.1 and NumPy 1.24 as
 * Debian ships them (/usr/bin/python3, or PARITY_PYTHON), run by test/parity/causal_reference.py, which also
 * reads the data: three real datasets statsmodels bundles — Grunfeld's investment panel (220 firm-years,
 * clusters by firm), Spector & Mazzeo's 32 students (logit) and Fair's 6 366 affairs survey answers
 * (treatment "any affair", outcome the marriage rating, occupation categorical, clusters by the husband's
 * occupation) — and a seeded asset table of 4 000 rows with string, boolean and numeric confounders and 60
 * campaign clusters. The effect estimators are compared with a NumPy transcription of their formulas (the
 * propensity from statsmodels' Logit, the outcome models from lstsq).
 *
 * Tolerances (relative, absolute below 1e-12):
 * - designMatrix against patsy's dmatrix: identical names and values;
 * - OLS and WLS coefficients and standard errors, nonrobust / HC1 / cluster (statsmodels OLS / WLS
 *   .fit(cov_type=…)): 1e-8;
 *   p-values 1e-8 (those below 1e-300 underflow alike);
 * - Logit coefficients and standard errors (Logit.fit(method='newton')): 1e-6; log-likelihood 1e-10;
 * - naive, regression, IPW and AIPW estimates and SEs, balance SMDs and E-values: 1e-8.
 * The measured worst per quantity is printed after the run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { designMatrix, estimateEffect, logit, ols, type CovariateValue, type Design, type DesignColumn } from '@assay/causal';

const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';

type OlsRef = Record<string, { coef: number[]; se: number[]; p: number[]; df_resid: number; cov: number[] }>;
interface LogitRef {
  coef: number[];
  se: number[];
  llf: number;
  converged: boolean;
}
interface EffectRef {
  naive: { estimate: number; se: number; ci: [number, number]; p: number };
  regression: { estimate: number; se: number; p: number };
  propensity: number[];
  trimmed: number;
  treated_kept: number;
  ipw: { estimate: number; se: number };
  aipw: { estimate: number; se: number; ci: [number, number] };
  balance: [number, number][];
  evalue: [number, number];
}
interface Case {
  name: string;
  records: Record<string, CovariateValue>[];
  columns: DesignColumn[];
  names: string[];
  x?: number[];
  y?: number[];
  t?: number[];
  groups?: string[];
  ols?: OlsRef;
  weights?: number[];
  wls?: OlsRef;
  logit?: LogitRef;
  effect?: EffectRef;
  effect_clustered?: EffectRef;
}
interface Reference {
  versions: Record<string, string>;
  ols: Case[];
  spector: Case;
  fair: Case;
  simulated: Case;
}

let ref: Reference;
const worst = new Map<string, number>();

function close(label: string, got: number, want: number, tol: number): void {
  const e = got === want ? 0 : Math.abs(got - want) / (Math.abs(want) < 1e-12 ? 1 : Math.abs(want));
  worst.set(label, Math.max(worst.get(label) ?? 0, e));
  expect(e, `${label}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol);
}

function closeAll(label: string, got: ArrayLike<number>, want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, j) => close(label, got[j], w, tol));
}

/** designMatrix on the records must reproduce patsy's matrix exactly. */
function designOf(c: Case): Design {
  const design = designMatrix(c.records, c.columns);
  expect(design.names).toEqual(c.names);
  if (c.x) expect(Array.from(design.x)).toEqual(c.x);
  return design;
}

beforeAll(async () => {
  const { stdout } = await promisify(execFile)(PYTHON, ['test/parity/causal_reference.py'], { maxBuffer: 64 * 1024 * 1024 });
  ref = JSON.parse(stdout) as Reference;
  expect(ref.versions.statsmodels).toMatch(/^0\.13\.5/);
  expect(ref.versions.scipy).toBe('1.10.1');
}, 120_000);

afterAll(() => {
  const lines = [...worst].map(([label, e]) => `  ${label.padEnd(24)} ${e.toExponential(1)}`);
  console.log(`worst relative error per quantity:\n${lines.join('\n')}`);
});

describe('@assay/causal parity with statsmodels 0.13 / patsy / a NumPy transcription', () => {
  it('designMatrix names and one-hot columns as patsy does (strings, booleans, numeric codes as strings)', () => {
    for (const c of [...ref.ols, ref.fair, ref.simulated, ref.spector]) designOf(c);
    expect(ref.simulated.names).toContain('premium[T.True]');
    expect(ref.ols[1].names).toContain('firm[T.Chrysler]');
  });

  it('OLS coefficients and nonrobust / HC1 / cluster SEs on Grunfeld, Fair and the asset table', () => {
    for (const c of [...ref.ols, ref.fair, ref.simulated]) {
      const design = designOf(c);
      const y = Float64Array.from(c.y!);
      for (const [cov, want] of Object.entries(c.ols!)) {
        const fit = ols(
          y,
          design,
          cov === 'cluster' ? { cov: 'cluster', groups: c.groups!.map(String) } : { cov: cov as 'nonrobust' | 'HC1' },
        );
        expect(fit.covType).toBe(cov);
        expect(fit.dfResid).toBe(want.df_resid);
        closeAll('ols.coef', fit.coef, want.coef, 1e-8);
        closeAll(`ols.se.${cov}`, fit.se, want.se, 1e-8);
        closeAll(`ols.cov.${cov}`, fit.cov, want.cov, 1e-8);
        closeAll(`ols.p.${cov}`, fit.pValues, want.p, 1e-8);
      }
    }
  });

  it('WLS (impression weights) coefficients and nonrobust / HC1 / cluster SEs on the asset table (statsmodels WLS)', () => {
    const c = ref.simulated;
    const design = designOf(c);
    for (const [cov, want] of Object.entries(c.wls!)) {
      const covType = cov as 'nonrobust' | 'HC1' | 'cluster';
      const fit = ols(Float64Array.from(c.y!), design, {
        cov: covType,
        weights: c.weights!,
        ...(cov === 'cluster' ? { groups: c.groups! } : {}),
      });
      closeAll('wls.coef', fit.coef, want.coef, 1e-8);
      closeAll(`wls.se.${cov}`, fit.se, want.se, 1e-8);
      closeAll(`wls.p.${cov}`, fit.pValues, want.p, 1e-8);
    }
  });

  it('Logit coefficients, SEs and log-likelihood on Spector, Fair and the asset table', () => {
    for (const c of [ref.spector, ref.fair, ref.simulated]) {
      const fit = logit(c.t!, designOf(c));
      expect(fit.converged).toBe(c.logit!.converged);
      closeAll('logit.coef', fit.coef, c.logit!.coef, 1e-6);
      closeAll('logit.se', fit.se, c.logit!.se, 1e-6);
      close('logit.llf', fit.logLikelihood, c.logit!.llf, 1e-10);
    }
    expect(ref.spector.logit!.coef[1]).toBeCloseTo(2.8261, 4); // GPA, as Spector & Mazzeo's model is usually quoted
  });

  it('estimateEffect against the transcription: naive, regression, IPW, AIPW, balance and E-values, with and without clusters', () => {
    for (const c of [ref.fair, ref.simulated]) {
      const design = designOf(c);
      for (const [want, groups] of [
        [c.effect!, undefined],
        [c.effect_clustered!, c.groups!.map(String)],
      ] as const) {
        const r = estimateEffect({ y: Float64Array.from(c.y!), t: c.t!, design, groups });
        close('naive.estimate', r.naive.estimate, want.naive.estimate, 1e-8);
        close('naive.se', r.naive.se, want.naive.se, 1e-8);
        closeAll('naive.ci', r.naive.ci, want.naive.ci, 1e-8);
        close('naive.p', r.naive.pValue, want.naive.p, 1e-8);
        expect(r.regression.covType).toBe(groups ? 'cluster' : 'HC1');
        close('regression.estimate', r.regression.estimate, want.regression.estimate, 1e-8);
        close('regression.se', r.regression.se, want.regression.se, 1e-8);
        close('regression.p', r.regression.pValue, want.regression.p, 1e-8);
        closeAll('propensity.coef', Object.values(r.propensity.coef), want.propensity, 1e-6);
        expect(r.overlap.trimmed).toBe(want.trimmed);
        expect(r.analysed.treated).toBe(want.treated_kept);
        close('ipw.estimate', r.ipw.estimate, want.ipw.estimate, 1e-8);
        close('ipw.se', r.ipw.se, want.ipw.se, 1e-8);
        close('aipw.estimate', r.aipw.estimate, want.aipw.estimate, 1e-8);
        close('aipw.se', r.aipw.se, want.aipw.se, 1e-8);
        closeAll('aipw.ci', r.aipw.ci, want.aipw.ci, 1e-8);
        expect(r.balance.map((b) => b.covariate)).toEqual(c.names.slice(1));
        r.balance.forEach((b, j) => {
          close('balance.before', b.smdBefore, want.balance[j][0], 1e-8);
          close('balance.after', b.smdAfter, want.balance[j][1], 1e-8);
        });
        close('evalue.point', r.eValue.point, want.evalue[0], 1e-8);
        close('evalue.ciBound', r.eValue.ciBound, want.evalue[1], 1e-8);
      }
    }
    // the simulated assets' treatment raises the click rate by 0.004: AIPW finds it, the naive difference overstates it
    expect(ref.simulated.effect!.aipw.ci[0]).toBeLessThan(0.004);
    expect(ref.simulated.effect!.aipw.ci[1]).toBeGreaterThan(0.004);
    expect(ref.simulated.effect!.naive.ci[0]).toBeGreaterThan(0.004);
  });
});
