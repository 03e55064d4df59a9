/**
 * npm run bench:causal — @assay/causal on an asset table of 1 000 000 rows × 20 covariates (16 numeric and a
 * 5-level category, so 21 design columns with the intercept), medians of BENCH_ROUNDS (default 3), against
 * statsmodels 0.13 / NumPy 1.24 (Debian's /usr/bin/python3, or PARITY_PYTHON) timed in the same run on the
 * same data by test/bench/causal_reference.py:
 *  - OLS with HC1 covariance (statsmodels OLS.fit(cov_type='HC1'));
 *  - logistic regression by Newton (statsmodels Logit.fit(method='newton'));
 *  - the whole analysis, estimateEffect, against statsmodels' HC1 regression and Logit plus lstsq outcome
 *    models and the AIPW estimator in NumPy (no balance, overlap or E-value on the Python side).
 * The estimates of both sides are compared (largest relative difference printed). Peak RSS is this
 * process's maximum since start: the data (X alone is 168 MB) plus the fits' working memory; the RSS before
 * the first fit is printed too, so the difference is what the fits add.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateEffect, logit, ols, type Design } from '@assay/causal';
import { createRng } from '@assay/stats';
import { median, QUICK, rounds, table } from './stats.js';

const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';
const ROUNDS = rounds(3);
const ROWS = QUICK ? 20_000 : 1_000_000;
const NUMERIC = 16;
const LEVELS = 5;
const COLS = 1 + NUMERIC + (LEVELS - 1);

/** Confounded assets: the first three numeric covariates and the category drive both the attribute and the click rate. */
function assets(n: number): { design: Design; y: Float64Array; t: Float64Array } {
  const rng = createRng(31);
  const x = new Float64Array(n * COLS);
  const y = new Float64Array(n);
  const t = new Float64Array(n);
  const shift = [0, 0.4, -0.3, 0.2, -0.5];
  for (let i = 0; i < n; i++) {
    const row = i * COLS;
    x[row] = 1;
    for (let j = 1; j <= NUMERIC; j++) x[row + j] = rng.normal();
    const level = rng.nextInt(LEVELS);
    if (level > 0) x[row + NUMERIC + level] = 1;
    const drive = 0.6 * x[row + 1] - 0.4 * x[row + 2] + 0.3 * x[row + 3] + shift[level];
    t[i] = rng.nextFloat() < 1 / (1 + Math.exp(-drive)) ? 1 : 0;
    y[i] = 0.03 + 0.004 * t[i] + 0.01 * drive + 0.002 * x[row + 4] + 0.006 * rng.normal();
  }
  const names = ['Intercept', ...Array.from({ length: NUMERIC }, (_, j) => `x${j + 1}`)];
  for (let l = 1; l < LEVELS; l++) names.push(`category[T.c${l}]`);
  return { design: { x, rows: n, cols: COLS, names }, y, t };
}

function time<T>(fn: () => T): { ms: number; out: T } {
  const times: number[] = [];
  let out: T | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    out = undefined; // let the previous result go before the next run
    const start = performance.now();
    out = fn();
    times.push(performance.now() - start);
  }
  return { ms: median(times), out: out! };
}

const { design, y, t } = assets(ROWS);
const mb = (kb: number) => (kb / 1024).toFixed(0);
const rssBefore = process.resourceUsage().maxRSS;
const ours = {
  ols: time(() => ols(y, design, { cov: 'HC1' })),
  logit: time(() => logit(t, design)),
  aipw: time(() => estimateEffect({ y, t, design })),
};
const rssPeak = process.resourceUsage().maxRSS;

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-causal-'));
try {
  writeFileSync(join(dir, 'x.f64'), design.x);
  writeFileSync(join(dir, 'y.f64'), y);
  writeFileSync(join(dir, 't.f64'), t);
  const python = JSON.parse(
    execFileSync(PYTHON, ['test/bench/causal_reference.py', dir, String(ROWS), String(COLS), String(ROUNDS)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    }),
  ) as Record<'ols' | 'logit' | 'aipw' | 'olsSe' | 'logitCoef' | 'ate', number>;

  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  const agreement = Math.max(
    rel(ours.ols.out.se[1], python.olsSe),
    rel(ours.logit.out.coef[1], python.logitCoef),
    rel(ours.aipw.out.aipw.estimate, python.ate),
  );
  const ms = (v: number) => v.toFixed(v < 10 ? 2 : 0);
  const row = (what: string, our: number, ref: number) => [what, `${ROWS} × ${COLS}`, ms(our), ms(ref), (ref / our).toFixed(2)];
  console.log(`bench:causal — medians of ${ROUNDS} rounds (ms); reference: statsmodels 0.13 / NumPy in the same run`);
  console.log(
    table(
      ['fit', 'size', 'ours', 'reference', 'ref / ours'],
      [
        row('OLS, HC1 covariance (statsmodels OLS)', ours.ols.ms, python.ols),
        row(`Logit, Newton, ${ours.logit.out.iterations} iterations (statsmodels Logit)`, ours.logit.ms, python.logit),
        row('estimateEffect: naive, regression, IPW, AIPW, balance (statsmodels + NumPy AIPW)', ours.aipw.ms, python.aipw),
      ],
    ),
  );
  console.log(`largest relative difference of the estimates (OLS SE, logit coefficient, AIPW ATE): ${agreement.toExponential(1)}`);
  console.log(
    `AIPW ATE ${ours.aipw.out.aipw.estimate.toFixed(5)} ± ${ours.aipw.out.aipw.se.toFixed(5)} (true 0.004); naive ${ours.aipw.out.naive.estimate.toFixed(5)}`,
  );
  console.log(`peak RSS (this process): ${mb(rssPeak)} MB; ${mb(rssBefore)} MB before the first fit (the data)`);
  if (agreement > 1e-6) throw new Error(`estimates disagree with the reference: ${agreement}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
