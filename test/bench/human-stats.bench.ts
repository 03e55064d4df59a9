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
 * Then the end-to-end analysis of a study, analyzeStudy from @assay/studies with the metric catalog and
 * 1 000 bootstrap resamples (the service's default), medians of BENCH_ROUNDS (default 3):
 *  - a Likert study, 2 dimensions, 10 000 items × 5 raters = 50 000 answers;
 *  - a pairwise study of 2 runs, 20 000 items × 5 raters = 100 000 comparisons, ties and random screen sides;
 * every asset carrying 10 automated scores of the catalog and a `category` attribute of 5 values. Nothing else
 * computes the whole analysis, so those rows have no reference and no ratio. Peak RSS is this process's
 * (so far: a maximum since start); heap used is after the analysis, the inputs and its result still alive.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStudyRequest, newStudyId, type StudyAnswer, type StudyItem, type StudyRecord } from '@assay/contracts';
import { MetricCatalog } from '@assay/metric-catalog';
import { createRng, type Rng } from '@assay/stats';
import { analyzeStudy, type RaterRecord } from '@assay/studies';
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

// ── the end-to-end study analysis: synthetic studies with a known truth, as libs/studies/test/analysis.test.ts
const STUDY_ROUNDS = rounds(3);
const LIKERT_ITEMS = QUICK ? 200 : 10_000;
const PAIRWISE_ITEMS = QUICK ? 400 : 20_000;
const CATEGORIES = ['people', 'animals', 'objects', 'landscapes', 'text'];

/** A study record as the service stores it, from a request's settings. */
function studyOf(protocol: 'likert' | 'pairwise', items: number, dimensions: string[]): StudyRecord {
  const {
    runs,
    gold: _gold,
    ...settings
  } = CreateStudyRequest.parse({
    name: `bench ${protocol} study`,
    protocol,
    runs: ['run_a', 'run_b'],
    instructions: 'Rate each image.',
    dimensions: dimensions.map((key) => ({ key, label: key, instructions: `Judge the ${key}.` })),
    ratersPerItem: RATERS,
  });
  const createdAt = '2026-12-05T00:00:00Z';
  const runRefs = runs.map((runId, i) => ({ runId, modelVersion: `v${i + 1}`, name: runId }));
  return { ...settings, id: newStudyId(), runs: runRefs, goldRate: 0, items, goldItems: 0, createdAt, status: 'closed' };
}

/** True quality in [1, 5]: version 2 is half a point better on average. */
const truthOf = (run: number, i: number) => 1.5 + 0.5 * run + 2.5 * ((i * 0.6180339887) % 1);

/** Ten catalog scores: some track the truth (a few lower-is-better), some ignore it, one is mostly 0. */
function scoresOf(srng: Rng, t: number): Record<string, number> {
  return {
    'aesthetic.score': t + 0.5 * srng.normal(),
    'brisque.score': Math.min(100, Math.max(0, 60 - 9 * t + 6 * srng.normal())),
    'sharpness.laplacian_variance': Math.exp(4 + 0.4 * t + 0.5 * srng.normal()),
    'noise.sigma': Math.abs(2 - 0.2 * t + srng.normal()),
    'clip_score.clip_score': Math.min(100, Math.max(0, 26 + 0.8 * t + 2 * srng.normal())),
    'exposure.highlight_clip_ratio': 0.05 * srng.nextFloat(),
    'niqe.score': Math.max(0, 7 - 0.6 * t + srng.normal()),
    'blockiness.ratio': 1 + 0.2 * srng.nextFloat(),
    'text.unexpected_text': srng.nextFloat() < 0.05 ? 1 : 0,
    'nsfw.nsfw_score': 0.02 * srng.nextFloat(),
  };
}

function assetOf(study: StudyRecord, srng: Rng, run: number, i: number) {
  const { runId, modelVersion } = study.runs[run];
  return {
    runId,
    assetId: `asset-${i}-${run}`,
    modelVersion,
    modality: 'image' as const,
    uri: `s3://assay/runs/${runId}/content/${i}`,
    scores: scoresOf(srng, truthOf(run, i)),
  };
}

const benchRaters: RaterRecord[] = Array.from({ length: RATERS }, (_, r) => ({
  raterId: `rtr_${r}`,
  name: `rater ${r + 1}`,
  createdAt: '2026-12-05T00:00:00Z',
}));

function answerOf(study: StudyRecord, srng: Rng, item: StudyItem, r: number, value: StudyAnswer['value'], n: number): StudyAnswer {
  return {
    studyId: study.id,
    itemId: item.id,
    raterId: benchRaters[r].raterId,
    assignmentId: `asg_${r}_${n}`,
    gold: false,
    value,
    elapsedMs: Math.round(3000 + 5000 * srng.nextFloat()),
    answeredAt: new Date(Date.UTC(2026, 11, 5) + n * 1000).toISOString(),
    source: 'app',
  };
}

const itemId = (i: number) => `i-${String(i + 1).padStart(6, '0')}`;

/** Likert, 2 dimensions: each rater sees the truth plus noise (0.5–0.9 sd), rounded onto 1…5. */
function likertStudy(n: number) {
  const srng = createRng(7);
  const study = studyOf('likert', n, ['quality', 'prompt_fidelity']);
  const clamp = (v: number) => Math.min(5, Math.max(1, Math.round(v)));
  const items: StudyItem[] = [];
  const answers: StudyAnswer[] = [];
  for (let i = 0; i < n; i++) {
    const run = i % 2;
    const t = truthOf(run, i);
    const fidelity = t + srng.normal();
    const item: StudyItem = {
      id: itemId(i),
      gold: false,
      prompt: `prompt ${i}`,
      assets: [assetOf(study, srng, run, i)],
      attributes: { category: CATEGORIES[i % CATEGORIES.length] },
    };
    items.push(item);
    for (let r = 0; r < RATERS; r++) {
      const sd = 0.5 + 0.1 * r;
      const ratings = { quality: clamp(t + sd * srng.normal()), prompt_fidelity: clamp(fidelity + sd * srng.normal()) };
      answers.push(answerOf(study, srng, item, r, { ratings }, i * RATERS + r));
    }
  }
  return { study, items, answers };
}

/** Pairwise between 2 runs: the better truth wins through noise, close calls are ties, screen sides random. */
function pairwiseStudy(n: number) {
  const srng = createRng(8);
  const study = studyOf('pairwise', n, ['preference']);
  const items: StudyItem[] = [];
  const answers: StudyAnswer[] = [];
  for (let i = 0; i < n; i++) {
    const item: StudyItem = {
      id: itemId(i),
      gold: false,
      prompt: `prompt ${i}`,
      assets: [assetOf(study, srng, 0, i), assetOf(study, srng, 1, i)],
      attributes: { category: CATEGORIES[i % CATEGORIES.length] },
    };
    items.push(item);
    for (let r = 0; r < RATERS; r++) {
      const diff = truthOf(1, i) - truthOf(0, i) + (0.6 + 0.1 * r) * srng.normal();
      const preferred = Math.abs(diff) < 0.25 ? 'tie' : diff > 0 ? 'b' : 'a';
      const swapped = srng.nextFloat() < 0.5;
      const side = preferred === 'tie' ? 'tie' : (preferred === 'a') !== swapped ? 'left' : 'right';
      answers.push({ ...answerOf(study, srng, item, r, { preferred }, i * RATERS + r), swapped, side });
    }
  }
  return { study, items, answers };
}

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

  // No reference implementation computes a whole study analysis: these rows have times and memory, no ratio.
  const catalog = MetricCatalog.load();
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const studyRow = (what: string, build: () => ReturnType<typeof likertStudy>, size: string): string[] => {
    const { study, items, answers } = build();
    const times: number[] = [];
    let analysis: ReturnType<typeof analyzeStudy> | undefined;
    for (let i = 0; i < STUDY_ROUNDS; i++) {
      analysis = undefined;
      const t = performance.now();
      analysis = analyzeStudy(study, items, benchRaters, answers, catalog, { resamples: RESAMPLES });
      times.push(performance.now() - t);
    }
    if (analysis!.included.answers !== answers.length || analysis!.calibration.length === 0)
      throw new Error(`${what}: unexpected analysis (${analysis!.included.answers} answers, ${analysis!.calibration.length} calibrations)`);
    const heap = process.memoryUsage().heapUsed;
    return [what, size, `${answers.length}`, ms(median(times)), mb(process.resourceUsage().maxRSS * 1024), mb(heap)];
  };
  const studies = [
    studyRow('analyzeStudy, Likert, 2 dimensions', () => likertStudy(LIKERT_ITEMS), `${LIKERT_ITEMS} items × ${RATERS} raters`),
    studyRow('analyzeStudy, pairwise, 2 runs', () => pairwiseStudy(PAIRWISE_ITEMS), `${PAIRWISE_ITEMS} items × ${RATERS} raters`),
  ];
  console.log(
    `\nbench:human — analyzeStudy end to end, medians of ${STUDY_ROUNDS} rounds (ms), ${RESAMPLES} resamples, 10 catalog scores per asset; no reference`,
  );
  console.log(table(['study', 'size', 'answers', 'ms', 'peak RSS MB', 'heap used after MB'], studies));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
