/**
 * The readout on simulated experiments with a known answer (simulateExperiment): the CTR lift recovered within
 * its interval, CUPED cutting variance, the always-valid interval wider than the fixed one, SRM blocking, a
 * variant without units, and the planner against the closed-form sample size.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { CreateExperimentRequest, PlanRequest, type ExperimentRecord } from '@assay/contracts';
import { analyzeExperiment, ExperimentStore, loadUnits, planExperiment, simulateExperiment } from '@assay/experiments';
import { normalIsf } from '@assay/stats';
import { dropPrefix, REDIS_URL, testPrefix } from '../../../test/helpers/env.js';

const prefix = testPrefix('experiment-analysis');
const redis = new Redis(REDIS_URL);
const store = new ExperimentStore(redis, prefix);
afterAll(async () => {
  await dropPrefix(prefix);
  redis.disconnect();
});

/** Ingests a simulation, dropping the units `drop` says to (to break the sample ratio). */
async function ingested(users: number, lift: number, drop: (unit: number, variant: string) => boolean = () => false) {
  const sim = simulateExperiment({ users, lift, seed: 7 });
  const req = CreateExperimentRequest.parse(sim.definition);
  const e: ExperimentRecord = {
    ...req,
    control: 'control',
    id: `exp_${Math.random().toString(36).slice(2)}`,
    status: 'running',
    createdAt: new Date().toISOString(),
  };
  await store.create(e);
  let batch = [];
  let units = [];
  let u = 0;
  for (const user of sim.users()) {
    if (!drop(u++, user.events[0].variant)) {
      batch.push(...user.events);
      units.push(user.covariates);
    }
    if (batch.length > 5000) {
      await store.ingest(e, batch);
      await store.setCovariates(e, units);
      batch = [];
      units = [];
    }
  }
  await store.ingest(e, batch);
  await store.setCovariates(e, units);
  const table = await loadUnits(store, e, ['pre_clicks']);
  const counts = await store.counts(e);
  return analyzeExperiment({
    experiment: e,
    table,
    covariates: ['pre_clicks'],
    events: { accepted: counts.events, duplicates: counts.duplicates },
  });
}

describe('analyzeExperiment', () => {
  it('recovers a known CTR lift, with CUPED, sequential intervals and a daily timeline', async () => {
    const a = await ingested(20_000, 0.15);
    expect(a.status).toBe('ok');
    expect(a.srm.passed).toBe(true);
    expect(a.units.total).toBe(20_000);
    const [c] = a.comparisons;
    const ctr = c.metrics.find((m) => m.metric === 'ctr')!;
    expect(ctr.kind).toBe('ratio');
    expect(ctr.test).toBe('z');
    expect(ctr.relativeLift.ci[0]).toBeLessThan(0.15);
    expect(ctr.relativeLift.ci[1]).toBeGreaterThan(0.15);
    expect(ctr.significant).toBe(true);
    // pre-period clicks share the users' activity: CUPED must take variance out
    const clicks = c.metrics.find((m) => m.metric === 'clicks_per_user')!;
    expect(clicks.cuped!.varianceReduction).toBeGreaterThan(0.05);
    // the always-valid interval pays for peeking: wider than the fixed-horizon one
    expect(ctr.sequential!.ci[1] - ctr.sequential!.ci[0]).toBeGreaterThan(ctr.difference.ci[1] - ctr.difference.ci[0]);
    const revenue = c.metrics.find((m) => m.metric === 'revenue_per_user')!;
    expect(revenue.role).toBe('guardrail');
    expect(revenue.nonInferiority).toBeDefined();
    expect(a.timeline).toHaveLength(14);
    expect(a.timeline.at(-1)!.lifts[0].estimate).toBeCloseTo(ctr.relativeLift.estimate, 10);
    expect(a.timeline[0].units.control).toBeLessThan(a.timeline.at(-1)!.units.control);
    expect(['ship', 'inconclusive']).toContain(c.decision);
  }, 60_000);

  it('blocks the readout when the sample ratio is off, and when a variant has no units', async () => {
    const srm = await ingested(4000, 0, (u, v) => v === 'treatment' && u % 5 === 0);
    expect(srm.status).toBe('srm_failed');
    expect(srm.srm.pValue).toBeLessThan(0.001);
    expect(srm.blockedReason).toMatch(/sample ratio mismatch/);
    expect(srm.comparisons[0].decision).toBe('blocked');
    const empty = await ingested(400, 0, (_, v) => v === 'treatment');
    expect(empty.status).toBe('insufficient_data');
    expect(empty.blockedReason).toMatch(/treatment has fewer than 2 units/);
    expect(empty.comparisons).toEqual([]);
  }, 60_000);
});

describe('planExperiment', () => {
  it('matches the closed-form two-sample size and inverts to the same effect', () => {
    const plan = planExperiment(PlanRequest.parse({ baseline: { rate: 0.04 }, mde: { relative: 0.05 } }));
    const z = normalIsf(0.025) + normalIsf(0.2);
    const n = Math.ceil((2 * z * z * 0.04 * 0.96) / 0.002 ** 2);
    expect(plan.unitsPerVariant).toBe(n);
    expect(plan.power).toBeGreaterThanOrEqual(0.8);
    const back = planExperiment(PlanRequest.parse({ baseline: { rate: 0.04 }, unitsPerVariant: n }));
    expect(back.mde.absolute).toBeCloseTo(0.002, 5);
    const cuped = planExperiment(
      PlanRequest.parse({ baseline: { mean: 2, sd: 3 }, mde: { absolute: 0.1 }, covariateCorrelation: 0.6, variants: 3 }),
    );
    expect(cuped.sd).toBeCloseTo(3 * 0.8, 12);
    expect(cuped.alphaPerComparison).toBeCloseTo(0.025, 12);
  });
});
