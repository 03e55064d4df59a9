import { describe, expect, it } from 'vitest';
import type { ComparisonSettings, ResultRecord, ScoreDelta } from '@assay/contracts';
import { MetricCatalog } from '@assay/metric-catalog';
import { accumulate, computeAll, mergeAll, RunMetricRegistry, type RecordSource, type Side } from '@assay/run-metrics';
import { syntheticRecords, type SyntheticRun } from '../../../test/helpers/comparison-records.js';

const catalog = MetricCatalog.load();
const settings: ComparisonSettings = {
  alpha: 0.05,
  level: 0.95,
  gateLevel: 0.99,
  seed: 7,
  resamples: 2000,
  bootstrapMaxN: 5000,
  multipleTesting: 'holm',
  slices: ['skinTone'],
  sliceMinN: 20,
  gatedScores: ['sharpness.laplacian_variance'],
};

async function* stream(records: ResultRecord[], from = 0, to = records.length) {
  for (let offset = from; offset < to; offset++) yield { offset, record: records[offset] };
}

/** Both runs folded in `stretches` consecutive parts per side, merged as the analysis does. */
async function compare(registry: RunMetricRegistry, baseline: ResultRecord[], candidate: ResultRecord[], stretches: number) {
  const metrics = registry.ofScope('comparison');
  const sources: RecordSource[] = [];
  for (const [side, records] of [
    ['baseline', baseline],
    ['candidate', candidate],
  ] as [Side, ResultRecord[]][]) {
    const size = Math.ceil(records.length / stretches);
    for (let from = 0; from < records.length; from += size)
      sources.push({ side, records: stream(records, from, Math.min(records.length, from + size)) });
  }
  const acc = mergeAll(metrics, await Promise.all(sources.map((s) => accumulate(metrics, settings, s))));
  const pairing = acc.pairing.compute();
  return { pairing, records: acc.records, results: computeAll(metrics, acc.states, { catalog, settings, pairing }) };
}

const run = (over: Partial<SyntheticRun> & Pick<SyntheticRun, 'runId'>) => [
  ...syntheticRecords({ modelVersion: over.runId, assets: 300, seed: over.runId === 'base' ? 11 : 12, ...over }),
];
const score = (scores: ScoreDelta[], name: string) => scores.find((s) => s.score === name)!;

describe('run-level metric registry', () => {
  it('discovers every metric file, checked, by scope', async () => {
    const registry = await RunMetricRegistry.load();
    expect(registry.ofScope('comparison').map((m) => m.name)).toEqual([
      'distribution_shift',
      'latency_deltas',
      'pass_rate_deltas',
      'safety_rate_deltas',
      'score_deltas',
      'slice_disparity',
    ]);
    expect(registry.ofScope('run').map((m) => m.name)).toEqual(['distribution', 'latency_quantiles', 'safety_rates', 'score_intervals']);
    for (const m of [...registry.ofScope('run'), ...registry.ofScope('comparison')]) expect(m.version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('comparison metrics over records', () => {
  it('stretches read in parallel and merged give exactly what one pass gives', async () => {
    const registry = await RunMetricRegistry.load();
    const [b, c] = [run({ runId: 'base' }), run({ runId: 'cand', shift: -0.3 })];
    const one = await compare(registry, b, c, 1);
    const four = await compare(registry, b, c, 4);
    const seven = await compare(registry, b, c, 7);
    expect(one.records).toBe(600);
    expect(four.results).toEqual(one.results);
    expect(seven.results).toEqual(one.results);
    expect(four.pairing.summary).toEqual(one.pairing.summary);
  });

  it('pairs by prompt id, reads a worse candidate as worse in the direction of each score, and a better one as better', async () => {
    const registry = await RunMetricRegistry.load();
    const base = run({ runId: 'base' });
    const worse = await compare(registry, base, run({ runId: 'cand', shift: -0.5 }), 2);
    expect(worse.pairing.summary).toEqual({ key: 'prompt_id', pairs: 300, share: 1, paired: true, duplicateKeys: 0 });
    const { scores, excludedScores } = worse.results.get('score_deltas') as { scores: ScoreDelta[]; excludedScores: unknown[] };
    expect(excludedScores).toEqual([]);
    const sharp = score(scores, 'sharpness.laplacian_variance');
    expect(sharp).toMatchObject({ direction: 'higher', paired: true, pairs: 300, test: 'wilcoxon_signed_rank', reading: 'worse' });
    expect(sharp.difference.value).toBeLessThan(0);
    expect(sharp.difference.ci[1]).toBeLessThan(0);
    expect(sharp.difference.gateCi![0]).toBeLessThan(sharp.difference.ci[0]!);
    expect(sharp.difference.method).toBe('bca_bootstrap');
    expect(sharp.quantiles.baseline).toHaveLength(21);
    // lower is better for BRISQUE: it rose, which is worse
    const brisque = score(scores, 'brisque.score');
    expect(brisque.difference.value).toBeGreaterThan(0);
    expect(brisque.reading).toBe('worse');
    const better = await compare(registry, base, run({ runId: 'cand', shift: 0.5 }), 2);
    const up = (better.results.get('score_deltas') as { scores: ScoreDelta[] }).scores;
    expect(score(up, 'sharpness.laplacian_variance').reading).toBe('better');
    expect(score(up, 'brisque.score').reading).toBe('better');
  });

  it('a candidate drawn like the baseline reads no detectable difference', async () => {
    const registry = await RunMetricRegistry.load();
    const same = await compare(registry, run({ runId: 'base' }), run({ runId: 'cand' }), 2);
    const { scores } = same.results.get('score_deltas') as { scores: ScoreDelta[] };
    for (const s of scores.filter((x) => x.direction !== 'none')) {
      expect(s.reading, s.score).toBe('no_detectable_difference');
      expect(s.difference.ci[0]!).toBeLessThan(0);
      expect(s.difference.ci[1]!).toBeGreaterThan(0);
    }
  });

  it('leaves out scores one side lacks or that different metric versions scored, and says why', async () => {
    const registry = await RunMetricRegistry.load();
    const b = run({ runId: 'base' });
    const c = run({ runId: 'cand', metricVersions: { brisque: '2.0.0' } }).map((r) => {
      const { 'aesthetic.score': _gone, ...scores } = r.scores;
      return { ...r, scores };
    });
    const { results } = await compare(registry, b, c, 1);
    const { scores, excludedScores } = results.get('score_deltas') as {
      scores: ScoreDelta[];
      excludedScores: { score: string; reason: string }[];
    };
    expect(excludedScores.map((e) => [e.score, e.reason])).toEqual([
      ['aesthetic.score', 'baseline_only'],
      ['brisque.score', 'metric_version_differs'],
    ]);
    expect(scores.map((s) => s.score).sort()).toEqual(['nsfw.porn', 'sharpness.laplacian_variance']);
  });

  it('counts pass rates and safety flags exactly, with intervals around them', async () => {
    const registry = await RunMetricRegistry.load();
    const b = run({ runId: 'base', flaggedRate: 0.01 });
    const c = run({ runId: 'cand', flaggedRate: 0.08 });
    const { results } = await compare(registry, b, c, 3);
    const flagged = (rs: ResultRecord[]) => rs.filter((r) => r.checks!.failures.some((f) => f.score === 'nsfw.porn')).length;
    const passing = (rs: ResultRecord[]) => rs.filter((r) => r.checks!.pass).length;
    const { safety } = results.get('safety_rate_deltas') as {
      safety: {
        score: string;
        baseline: { count: number; n: number };
        candidate: { count: number; n: number; upper: number; rate: number };
      }[];
    };
    expect(safety).toHaveLength(1);
    expect(safety[0].baseline).toMatchObject({ count: flagged(b), n: 300 });
    expect(safety[0].candidate).toMatchObject({ count: flagged(c), n: 300 });
    expect(safety[0].candidate.upper).toBeGreaterThan(safety[0].candidate.rate);
    const { passRates } = results.get('pass_rate_deltas') as {
      passRates: { scope: string; baseline: { count: number; ci: number[] }; candidate: { count: number } }[];
    };
    expect(passRates[0].scope).toBe('assets');
    expect(passRates[0].baseline.count).toBe(passing(b));
    expect(passRates[0].candidate.count).toBe(passing(c));
  });

  it('censored values stay out of the score values, as in run summaries', async () => {
    const registry = await RunMetricRegistry.load();
    const b = run({ runId: 'base' }).map((r, i) => (i < 100 ? { ...r, censored: { 'brisque.score': 'above' as const } } : r));
    const { results } = await compare(registry, b, run({ runId: 'cand' }), 1);
    const brisque = score((results.get('score_deltas') as { scores: ScoreDelta[] }).scores, 'brisque.score');
    expect(brisque.baseline.n).toBe(200);
    expect(brisque.pairs).toBe(200);
  });
});
