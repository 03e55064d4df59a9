/**
 * npm run bench:human — @assay/human-stats on study-sized data, medians of BENCH_ROUNDS (default 5), against
 * statsmodels 0.13 / SciPy 1.10 (Debian's /usr/bin/python3, or PARITY_PYTHON) timed in the same run on the
 * same data by test/bench/human_stats_reference.py:
 *  - 10 000 items × 5 raters (5 ordinal categories, raters of accuracy 0.5–0.9, complete): α at the three
 *    levels, Fleiss' κ (statsmodels: aggregate_raters + fleiss_kappa), Cohen's κ for all 10 rater pairs, and
 *    agreementReport with 1 000 bootstrap resamples;
 *  - Bradley–Terry on 100 000 comparisons among 8 players, 20 % ties: Davidson, and ties ignored against
 *    statsmodels' Logit (Newton) on the same decisive comparisons — the design matrix is built inside its timing;
 *  - Kendall τ-b and Spearman on 10 000 tied pairs (scipy kendalltau asymptotic, spearmanr).
 * Peak RSS is this process's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@assay/stats';
import {
  agreementReport,
  bradleyTerry,
  cohensKappa,
  fleissKappa,
  kendallTauB,
  krippendorffAlpha,
  spearman,
  type PairOutcome,
  type PairwiseComparison,
} from '@assay/human-stats';
import { median, QUICK, rounds, table } from './stats.js';

const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';
const ROUNDS = rounds(5);
const ITEMS = QUICK ? 1000 : 10_000;
const RATERS = 5;
const RESAMPLES = QUICK ? 100 : 1000;
const COMPARISONS = QUICK ? 10_000 : 100_000;
const PLAYERS = 8;
const PAIRS = QUICK ? 1000 : 10_000;

const rng = createRng(42);
const ratings = Array.from({ length: ITEMS }, () => {
  const truth = rng.nextInt(5);
  return Array.from({ length: RATERS }, (_, r) =>
    rng.nextFloat() < 0.5 + 0.1 * r ? truth : Math.min(4, Math.max(0, truth + rng.nextInt(3) - 1)),
  );
});
const strength = Array.from({ length: PLAYERS }, (_, p) => p / 4 - 1);
const comparisons: PairwiseComparison[] = Array.from({ length: COMPARISONS }, () => {
  const a = rng.nextInt(PLAYERS);
  const b = (a + 1 + rng.nextInt(PLAYERS - 1)) % PLAYERS;
  const pa = 0.8 / (1 + Math.exp(strength[b] - strength[a]));
  const u = rng.nextFloat();
  const outcome: PairOutcome = u < pa ? 'a' : u < 0.8 ? 'b' : 'tie';
  return { a, b, outcome };
});
const x = Array.from({ length: PAIRS }, () => Math.round(rng.normal() * 1.2 + 3));
const y = x.map((v) => Math.round((0.5 * v + rng.normal()) * 4) / 4);

function time(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-human-'));
try {
  writeFileSync(join(dir, 'ratings.i32'), Int32Array.from(ratings.flat()));
  const codes = { a: 0, b: 1, tie: 2 };
  writeFileSync(join(dir, 'comparisons.i32'), Int32Array.from(comparisons.flatMap((c) => [c.a, c.b, codes[c.outcome]])));
  writeFileSync(join(dir, 'x.f64'), Float64Array.from(x));
  writeFileSync(join(dir, 'y.f64'), Float64Array.from(y));
  const python = JSON.parse(
    execFileSync(PYTHON, ['test/bench/human_stats_reference.py', dir, ...[ITEMS, RATERS, COMPARISONS, PAIRS, ROUNDS].map(String)], {
      encoding: 'utf8',
    }),
  ) as Record<'fleiss' | 'logit' | 'kendall' | 'spearman', number>;

  const columns = Array.from({ length: RATERS }, (_, c) => ratings.map((row) => row[c]));
  const ours = {
    alphaNominal: time(() => krippendorffAlpha(ratings, 'nominal')),
    alphaOrdinal: time(() => krippendorffAlpha(ratings, 'ordinal')),
    alphaInterval: time(() => krippendorffAlpha(ratings, 'interval')),
    fleiss: time(() => fleissKappa(ratings)),
    cohen: time(() => {
      for (let a = 0; a < RATERS; a++) for (let b = a + 1; b < RATERS; b++) cohensKappa(columns[a], columns[b]);
    }),
    report: time(() => agreementReport(ratings, { level: 'ordinal', resamples: RESAMPLES, seed: 1 })),
    davidson: time(() => bradleyTerry(PLAYERS, comparisons)),
    logit: time(() => bradleyTerry(PLAYERS, comparisons, { ties: 'ignore' })),
    kendall: time(() => kendallTauB(x, y)),
    spearman: time(() => spearman(x, y)),
  };
  const ms = (v: number) => v.toFixed(v < 10 ? 2 : 0);
  const row = (what: string, size: string, our: number, ref?: number): string[] => [
    what,
    size,
    ms(our),
    ref === undefined ? '' : ms(ref),
    ref === undefined ? '' : (ref / our).toFixed(1),
  ];
  const ratingsSize = `${ITEMS} × ${RATERS}`;
  console.log(`bench:human — medians of ${ROUNDS} rounds (ms); reference: statsmodels 0.13 / SciPy 1.10 in the same run`);
  console.log(
    table(
      ['statistic', 'size', 'ours', 'reference', 'ref / ours'],
      [
        row("Krippendorff's α nominal", ratingsSize, ours.alphaNominal),
        row("Krippendorff's α ordinal", ratingsSize, ours.alphaOrdinal),
        row("Krippendorff's α interval", ratingsSize, ours.alphaInterval),
        row("Fleiss' κ (statsmodels fleiss_kappa)", ratingsSize, ours.fleiss, python.fleiss),
        row("Cohen's κ, all 10 rater pairs", ratingsSize, ours.cohen),
        row(`agreementReport, ${RESAMPLES} resamples`, ratingsSize, ours.report),
        row('Bradley–Terry, Davidson ties', `${COMPARISONS} cmp, ${PLAYERS} players`, ours.davidson),
        row('Bradley–Terry, ties ignored (statsmodels Logit)', `${COMPARISONS} cmp, ${PLAYERS} players`, ours.logit, python.logit),
        row('Kendall τ-b (scipy kendalltau)', `${PAIRS} pairs`, ours.kendall, python.kendall),
        row('Spearman (scipy spearmanr)', `${PAIRS} pairs`, ours.spearman, python.spearman),
      ],
    ),
  );
  console.log(`peak RSS (this process): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
