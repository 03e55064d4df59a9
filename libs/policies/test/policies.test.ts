import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComparisonSettings, Estimate, PassRateDelta, RunRef, SafetyRate, ScoreDelta } from '@assay/contracts';
import { MetricCatalog } from '@assay/metric-catalog';
import { evaluatePolicy, gateLevel, PolicyCatalog, type ComparisonSections, type PolicyDefinition } from '@assay/policies';
import { startTestS3, type TestS3 } from '../../../test/helpers/env.js';

const catalog = MetricCatalog.load();
let s3: TestS3;
const dirs: string[] = [];
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'assay-policies-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const policyYaml = (criteria: string, name = 'custom') => `name: ${name}\nmodality: image\ncriteria:\n${criteria}`;

describe('PolicyCatalog', () => {
  it('ships image-, video- and audio-launch, each valid against the metric catalog', async () => {
    const policies = await PolicyCatalog.load(catalog);
    expect(policies.list().map((p) => p.name)).toEqual(['audio-launch', 'image-launch', 'video-launch']);
    const image = policies.get('image-launch')!;
    expect(image).toMatchObject({ modality: 'image', alpha: 0.05, minAssets: 30, source: 'builtin/image-launch.yaml' });
    expect(image.criteria.length).toBe(11);
    // 11 judgements (latency has two limits, completeness none): every statistical judgement at 1 − 0.05 / 11
    expect(gateLevel(image)).toBeCloseTo(1 - 0.05 / 11, 12);
  });

  it('a folder and an S3 prefix add policies and replace built-in ones by name', async () => {
    const dir = dirWith({ 'strict.yaml': policyYaml('  - type: completeness\n    maxFailedShare: 0', 'image-launch') });
    await s3.store.put(
      { bucket: 'assay', key: 'policies/p.yaml' },
      policyYaml('  - type: superiority\n    score: brisque.score', 'candidate-better'),
    );
    const policies = await PolicyCatalog.load(catalog, { dir, s3: { store: s3.store, prefix: { bucket: 'assay', key: 'policies/' } } });
    expect(policies.get('image-launch')).toMatchObject({
      source: join(dir, 'strict.yaml'),
      criteria: [{ type: 'completeness', maxFailedShare: 0 }],
    });
    expect(policies.get('candidate-better')?.source).toBe('s3://assay/policies/p.yaml');
  });

  it('refuses a bad policy at start, naming the file and the field', async () => {
    const load = (text: string) => PolicyCatalog.load(catalog, { dir: dirWith({ 'bad.yaml': text }) });
    await expect(load(policyYaml('  - type: non_inferiority\n    score: nope.score\n    margin: 1'))).rejects.toThrow(
      /bad\.yaml: criteria\.0\.score: no metric reports nope\.score/,
    );
    await expect(load(policyYaml('  - type: superiority\n    score: resolution.width'))).rejects.toThrow(
      /criteria\.0\.score: resolution\.width has no better side \(direction none\)/,
    );
    await expect(load(policyYaml('  - type: non_inferiority\n    score: brisque.score'))).rejects.toThrow(
      /criteria\.0: give margin or relativeMargin/,
    );
    await expect(load(policyYaml('  - type: latency\n    quantile: 0.9\n    maxMs: 10'))).rejects.toThrow(/criteria\.0\.quantile/);
    await expect(
      load(policyYaml('  - type: completeness\n    maxFailedShare: 0.1\n  - type: completeness\n    maxFailedShare: 0.2')),
    ).rejects.toThrow(/criteria\.1\.id: completeness is used twice/);
    await expect(load('name: x\nmodality: image\ncriteria: [\n')).rejects.toThrow(/bad\.yaml: not valid YAML/);
  });
});

// ---- judging ---------------------------------------------------------------------------------------------

const settings: ComparisonSettings = {
  alpha: 0.05,
  level: 0.95,
  gateLevel: 0.99,
  seed: 1,
  resamples: 10_000,
  bootstrapMaxN: 5000,
  multipleTesting: 'holm',
  slices: [],
  sliceMinN: 20,
  gatedScores: [],
};
const run = (over: Partial<RunRef> = {}): RunRef => ({
  runId: 'r',
  name: 'r',
  modelVersion: 'v',
  suite: 'image-default',
  modality: 'image',
  records: 100,
  completed: 100,
  failed: 0,
  ...over,
});
const est = (value: number, gateCi: [number, number]): Estimate => ({ value, ci: gateCi, gateCi, method: 'bca_bootstrap' });
const delta = (score: string, direction: ScoreDelta['direction'], diff: Estimate, baselineMean = 100): ScoreDelta => ({
  score,
  direction,
  metricVersion: '1.0.0',
  baseline: { n: 100, mean: baselineMean, median: baselineMean, std: 1 },
  candidate: { n: 100, mean: baselineMean + (diff.value ?? 0), median: 0, std: 1 },
  paired: true,
  pairs: 100,
  difference: diff,
  candidateMean: est(baselineMean + (diff.value ?? 0), [baselineMean + diff.gateCi![0], baselineMean + diff.gateCi![1]]),
  test: 'wilcoxon_signed_rank',
  pValue: 0.5,
  pAdjusted: 0.5,
  effectSize: { kind: 'cohens_dz', value: 0 },
  reading: 'no_detectable_difference',
});
const sections = (over: Partial<ComparisonSections> = {}): ComparisonSections => ({
  baseline: run(),
  candidate: run(),
  settings,
  scores: [],
  excludedScores: [],
  passRates: [],
  safety: [],
  latency: [],
  slices: [],
  ...over,
});
const policy = (criteria: PolicyDefinition['criteria'], minAssets = 30): PolicyDefinition => ({
  name: 'p',
  description: '',
  modality: 'image',
  alpha: 0.05,
  multipleTesting: 'holm',
  minAssets,
  slices: [],
  sliceMinN: 20,
  criteria,
  source: 'test',
});
const outcomeOf = (p: PolicyDefinition, s: ComparisonSections, id: string) => evaluatePolicy(p, s).criteria.find((c) => c.id === id);

describe('judging criteria on intervals at the gate level', () => {
  const ni = policy([{ type: 'non_inferiority', score: 'sharpness.laplacian_variance', relativeMargin: 0.2, optional: false }]);
  const niId = 'non-inferiority-sharpness-laplacian-variance';

  it('non-inferiority (higher is better): passes inside the margin, fails beyond it, else inconclusive', () => {
    const at = (lo: number, hi: number) =>
      sections({ scores: [delta('sharpness.laplacian_variance', 'higher', est((lo + hi) / 2, [lo, hi]))] });
    // margin = 20 % of the baseline mean 100 = 20: the difference must stay ≥ −20
    expect(outcomeOf(ni, at(-15, 3), niId)).toMatchObject({ outcome: 'pass', limit: -20, level: 0.99, interval: [-15, 3] });
    expect(outcomeOf(ni, at(-40, -25), niId)?.outcome).toBe('fail');
    expect(outcomeOf(ni, at(-25, -5), niId)?.outcome).toBe('inconclusive');
    expect(evaluatePolicy(ni, at(-40, -25)).outcome).toBe('NO_GO');
    expect(evaluatePolicy(ni, at(-15, 3)).outcome).toBe('GO');
    expect(evaluatePolicy(ni, at(-25, -5)).outcome).toBe('INCONCLUSIVE');
    expect(outcomeOf(ni, at(-40, -25), niId)?.evidence).toBe(
      'sharpness.laplacian_variance candidate − baseline = -32.5 [-40.0, -25.0] at 99 %; it must be ≥ -20.0: fails',
    );
  });

  it('non-inferiority (lower is better) mirrors it; superiority needs the whole interval on the better side', () => {
    const p = policy([
      { type: 'non_inferiority', score: 'brisque.score', margin: 5, optional: false },
      { type: 'superiority', score: 'noise.sigma', optional: false },
    ]);
    const s = (b: [number, number], n: [number, number]) =>
      sections({ scores: [delta('brisque.score', 'lower', est(0, b), 30), delta('noise.sigma', 'lower', est(0, n), 2)] });
    const r = evaluatePolicy(p, s([1, 4], [-0.5, -0.1]));
    expect(r.criteria.map((c) => [c.id, c.outcome])).toEqual([
      ['sample-size', 'pass'],
      ['non-inferiority-brisque-score', 'pass'],
      ['superiority-noise-sigma', 'pass'],
    ]);
    expect(evaluatePolicy(p, s([6, 9], [-0.5, -0.1])).outcome).toBe('NO_GO');
    expect(outcomeOf(p, s([1, 4], [-0.2, 0.3]), 'superiority-noise-sigma')?.outcome).toBe('inconclusive');
    expect(outcomeOf(p, s([1, 4], [0, 0.3]), 'superiority-noise-sigma')?.outcome).toBe('fail');
  });

  it('a criterion on a score neither run measured is inconclusive, or skipped when optional (then it does not count)', () => {
    const p = policy([
      { type: 'non_inferiority', score: 'clip_score.clip_score', margin: 1, optional: true },
      { type: 'non_inferiority', score: 'brisque.score', margin: 5, optional: false },
    ]);
    const r = evaluatePolicy(
      p,
      sections({ excludedScores: [{ score: 'brisque.score', reason: 'baseline_only', detail: 'only the baseline run has values' }] }),
    );
    expect(r.criteria.slice(1).map((c) => [c.outcome, c.evidence])).toEqual([
      ['skipped', 'clip_score.clip_score was not measured (neither run has it); the criterion is optional'],
      ['inconclusive', 'brisque.score was not measured (only the baseline run has values)'],
    ]);
    expect(r.outcome).toBe('INCONCLUSIVE');
  });

  it('safety uses the exact one-sided upper bound to pass and the interval’s lower bound to fail', () => {
    const rate = (count: number, n: number, lo: number, upper: number): SafetyRate => ({
      score: 'nsfw.nsfw_score',
      baseline: { count: 0, n, rate: 0, ci: [0, 0.01], upper: 0.01 },
      candidate: { count, n, rate: count / n, ci: [lo, upper], gateCi: [lo, upper], upper, gateUpper: upper },
      difference: est(0, [-0.01, 0.01]),
    });
    const p = policy([{ type: 'safety', score: 'nsfw.nsfw_score', maxRate: 0.005, optional: false }]);
    const id = 'safety-nsfw-nsfw-score';
    expect(outcomeOf(p, sections({ safety: [rate(0, 2000, 0, 0.0026)] }), id)?.outcome).toBe('pass');
    expect(outcomeOf(p, sections({ safety: [rate(30, 1000, 0.02, 0.045)] }), id)?.outcome).toBe('fail');
    expect(outcomeOf(p, sections({ safety: [rate(0, 100, 0, 0.052)] }), id)).toMatchObject({
      outcome: 'inconclusive',
      evidence:
        'nsfw.nsfw_score: 0 of 100 candidate assets flagged (0 %); exact one-sided upper bound 5.2 % at 99 %, limit 0.5 %: is inconclusive',
    });
  });

  it('pass-rate non-inferiority, absolute pass rate, completeness and the sample size', () => {
    const passRates: PassRateDelta[] = [
      {
        scope: 'assets',
        baseline: { count: 90, n: 100, rate: 0.9, ci: [0.82, 0.95] },
        candidate: { count: 70, n: 100, rate: 0.7, ci: [0.6, 0.78], gateCi: [0.57, 0.8] },
        paired: true,
        difference: est(-0.2, [-0.32, -0.08]),
      },
    ];
    const p = policy(
      [
        { type: 'non_inferiority', passRate: 'assets', margin: 0.05, optional: false },
        { type: 'absolute', passRate: 'assets', min: 0.5, optional: false },
        { type: 'completeness', maxFailedShare: 0.02, optional: false },
      ],
      200,
    );
    const r = evaluatePolicy(p, sections({ passRates, candidate: run({ records: 100, completed: 97, failed: 3 }) }));
    expect(r.criteria.map((c) => [c.id, c.outcome, c.value])).toEqual([
      ['sample-size', 'inconclusive', 97],
      ['non-inferiority-pass-rate-assets', 'fail', -0.2],
      ['absolute-pass-rate-assets', 'pass', 0.7],
      ['completeness', 'fail', 0.03],
    ]);
    expect(r.outcome).toBe('NO_GO');
  });

  it('latency: a limit on the candidate quantile and a limit on its ratio to the baseline, judged apart', () => {
    const p = policy([{ type: 'latency', source: 'generation', quantile: 0.95, maxMs: 1000, maxIncrease: 0.1, optional: false }]);
    const r = evaluatePolicy(
      p,
      sections({
        latency: [
          {
            source: 'generation',
            n: { baseline: 500, candidate: 500 },
            quantiles: [{ q: 0.95, baseline: est(700, [650, 760]), candidate: est(900, [850, 960]), ratio: est(1.29, [1.15, 1.4]) }],
          },
        ],
      }),
    );
    expect(r.criteria.slice(1).map((c) => [c.id, c.outcome, c.limit])).toEqual([
      ['latency-generation-p95-ms', 'pass', 1000],
      ['latency-generation-p95-increase', 'fail', 1.1],
    ]);
  });

  it('fairness on the candidate’s slice disparity; inconclusive without two judged slices', () => {
    const p = policy([{ type: 'fairness', slice: 'skinTone', minRatio: 0.8, optional: false }]);
    const slices = (ratio: [number, number] | null) => [
      {
        key: 'skinTone',
        minN: 20,
        slices: [],
        disparity: ratio && {
          lowest: { value: 'dark', rate: 0.5 },
          highest: { value: 'light', rate: 0.9 },
          ratio: { value: 0.55, ci: ratio, gateCi: ratio, method: 'slice_bootstrap' as const },
          gap: est(0.4, [0.3, 0.5]),
        },
      },
    ];
    expect(outcomeOf(p, sections({ slices: slices([0.4, 0.7]) }), 'fairness-skintone')).toMatchObject({ outcome: 'fail', limit: 0.8 });
    expect(outcomeOf(p, sections({ slices: slices([0.82, 0.97]) }), 'fairness-skintone')?.outcome).toBe('pass');
    expect(outcomeOf(p, sections({ slices: slices(null) }), 'fairness-skintone')).toMatchObject({
      outcome: 'inconclusive',
      evidence: expect.stringContaining('fewer than two slices of skinTone with at least 20 checked candidate assets'),
    });
  });
});
