import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '@assay/contracts';
import { comparisonSections, comparisonSettings } from '@assay/analysis';
import { MetricCatalog } from '@assay/metric-catalog';
import { evaluatePolicy, PolicyCatalog } from '@assay/policies';
import { accumulate, computeAll, mergeAll, RunMetricRegistry, type Side } from '@assay/run-metrics';
import { closedRunRef, syntheticRecords } from '../../../test/helpers/comparison-records.js';

/**
 * The gate's error rates by simulation: candidates drawn from the baseline's own distribution must be
 * called NO_GO at most `alpha` of the time (the Bonferroni gate level is what promises it), and a clearly
 * worse candidate must be caught.
 */
const catalog = MetricCatalog.load();
const SIMULATIONS = 200;
const ASSETS = 80;

async function verdict(registry: RunMetricRegistry, seed: number, shift: number, assets = ASSETS) {
  const launch = (await PolicyCatalog.load(catalog)).get('image-launch')!;
  // the synthetic runs carry no blockiness score: its required criterion would make every verdict inconclusive
  const policy = { ...launch, criteria: launch.criteria.filter((c) => !('score' in c && c.score === 'blockiness.ratio')) };
  const record = { seed, resamples: 1000, slices: ['skinTone'] };
  const settings = comparisonSettings(policy, record);
  const metrics = registry.ofScope('comparison');
  const side = (s: Side, runSeed: number, runShift: number) => {
    const records: ResultRecord[] = [...syntheticRecords({ runId: s, modelVersion: s, assets, seed: runSeed, shift: runShift })];
    return accumulate(metrics, settings, {
      side: s,
      records: (async function* () {
        for (const [offset, r] of records.entries()) yield { offset, record: r };
      })(),
    });
  };
  const acc = mergeAll(metrics, [await side('baseline', 2 * seed + 1, 0), await side('candidate', 2 * seed + 2, shift)]);
  const pairing = acc.pairing.compute();
  const sections = comparisonSections(computeAll(metrics, acc.states, { catalog, settings, pairing }));
  return evaluatePolicy(policy, { baseline: closedRunRef('b', assets), candidate: closedRunRef('c', assets), settings, ...sections })
    .outcome;
}

describe('launch gate error rates (simulation)', () => {
  it(`a candidate no different from the baseline is NO_GO at most alpha = 5 % of ${SIMULATIONS} times`, async () => {
    const registry = await RunMetricRegistry.load();
    const outcomes: string[] = [];
    for (let i = 0; i < SIMULATIONS; i++) outcomes.push(await verdict(registry, i, 0));
    const noGo = outcomes.filter((o) => o === 'NO_GO').length / SIMULATIONS;
    console.log(`identical candidates: NO_GO ${noGo}, GO ${outcomes.filter((o) => o === 'GO').length / SIMULATIONS}`);
    // alpha plus two binomial standard errors of the estimate
    expect(noGo).toBeLessThanOrEqual(0.05 + 2 * Math.sqrt((0.05 * 0.95) / SIMULATIONS));
  }, 120_000);

  it('a clearly worse candidate (latent quality −1 sd) is NO_GO in at least 95 % of 40 draws', async () => {
    const registry = await RunMetricRegistry.load();
    let noGo = 0;
    for (let i = 0; i < 40; i++) if ((await verdict(registry, 1000 + i, -1)) === 'NO_GO') noGo++;
    console.log(`candidates worse by 1 sd: NO_GO in ${noGo} of 40`);
    expect(noGo / 40).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  it('has power: with 2400 assets a side (400 per skin-tone slice), a candidate no different from the baseline is GO in most of 10 draws', async () => {
    const registry = await RunMetricRegistry.load();
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) outcomes.push(await verdict(registry, 2000 + i, 0, 2400));
    const go = outcomes.filter((o) => o === 'GO').length / outcomes.length;
    console.log(
      `identical candidates, 2400 assets a side: GO ${go}, NO_GO ${outcomes.filter((o) => o === 'NO_GO').length / outcomes.length}`,
    );
    expect(outcomes).not.toContain('NO_GO');
    expect(go).toBeGreaterThanOrEqual(0.8);
  }, 300_000);
});
