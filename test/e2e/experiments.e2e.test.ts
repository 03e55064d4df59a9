/**
 * Experiments through the real services (ingest, worker, aggregator, Redis, S3): a simulated A/B test sent as
 * event batches (a retried batch counted once, an unknown variant refused whole), an S3 import, the readout
 * and its HTML report, the planner, and the causal analysis of a score of a real closed run's assets with a
 * known effect on click-through; the events counter on /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CausalAnalysis, EventImport, ExperimentAnalysis, ExperimentEvent } from '@assay/contracts';
import { simulateExperiment } from '@assay/experiments';
import { createRng } from '@assay/stats';
import { TEST_API_KEY } from '../helpers/env.js';
import { closedImageRun, startStudyStack, type StudyStack } from '../helpers/studies.js';

let stack: StudyStack;
let api: StudyStack['api'];
let runId: string;
const CATEGORIES = ['shoes', 'bags', 'hats', 'watches'];
const ASSETS = 48;

beforeAll(async () => {
  stack = await startStudyStack('experiments');
  api = stack.api;
  const prompts = Array.from({ length: ASSETS }, (_, i) => `product photo ${i}`);
  runId = await closedImageRun(api, {
    modelVersion: 'gen-v3',
    prompts,
    seed: 300,
    suite: stack.suite,
    attributes: (i) => ({ category: CATEGORIES[i % 4] }),
  });
}, 240_000);

afterAll(() => stack?.stop());

describe('an A/B test through the API', () => {
  const sim = simulateExperiment({ users: 6000, lift: 0.2, seed: 11 });
  let id: string;

  it('creates the experiment and counts events once, refusing a batch with an unknown variant whole', async () => {
    const created = await api('POST', '/v1/experiments', sim.definition);
    expect(created.status).toBe(201);
    id = created.json.id;
    expect(created.json).toMatchObject({ control: 'control', status: 'running', counts: { events: 0 } });

    const users = [...sim.users()];
    const half = users.slice(0, 1000);
    const batch = { events: half.flatMap((u) => u.events), units: half.map((u) => u.covariates) };
    const first = await api('POST', `/v1/experiments/${id}/events`, batch);
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ accepted: batch.events.length, duplicates: 0, units: 1000 });
    // the same batch again (a client retry): nothing counted twice
    expect((await api('POST', `/v1/experiments/${id}/events`, batch)).json).toEqual({
      accepted: 0,
      duplicates: batch.events.length,
      units: 0,
    });

    const bad = await api('POST', `/v1/experiments/${id}/events`, { events: [{ ...batch.events[0], eventId: 'new', variant: 'holdout' }] });
    expect(bad.status).toBe(422);
    expect(bad.json.error).toMatchObject({ code: 'unknown_variant', details: [{ path: 'events.0.variant' }] });
    const malformed = await api('POST', `/v1/experiments/${id}/events`, { events: [{ eventId: 'x', type: 'view' }] });
    expect(malformed.json.error.code).toBe('validation_failed');

    for (let u = 1000; u < 3000; u += 1000) {
      const more = users.slice(u, u + 1000);
      expect(
        (await api('POST', `/v1/experiments/${id}/events`, { events: more.flatMap((x) => x.events), units: more.map((x) => x.covariates) }))
          .status,
      ).toBe(200);
    }
    // the other half arrives as a warehouse export in S3
    const rest = users.slice(3000);
    const lines = rest.flatMap((u) => [...u.events.map((e) => JSON.stringify(e)), JSON.stringify(u.covariates)]);
    await stack.s3.store.put({ bucket: 'assay', key: 'exports/experiment/part-0.ndjson' }, `${lines.join('\n')}\n`);
    const started = await api('POST', `/v1/experiments/${id}/imports`, { uri: 's3://assay/exports/experiment/' });
    expect(started.status).toBe(202);
    let imp: EventImport = started.json;
    for (let i = 0; i < 120 && (imp.status === 'queued' || imp.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 500));
      imp = (await api('GET', `/v1/experiments/${id}/imports/${imp.importId}`)).json;
    }
    expect(imp).toMatchObject({ status: 'completed', objects: 1, accepted: rest.reduce((s, u) => s + u.events.length, 0), rejected: 0 });
    const view = (await api('GET', `/v1/experiments/${id}`)).json;
    expect(view.counts.units).toBe(6000);
    expect((await api('POST', `/v1/experiments/${id}/imports`, { uri: 's3://elsewhere/x.ndjson' })).json.error.code).toBe(
      'uri_not_allowed',
    );
  }, 120_000);

  it('reads out the known lift, SRM first, and renders the report', async () => {
    const res = await api('GET', `/v1/experiments/${id}/analysis`);
    expect(res.status).toBe(200);
    const a = res.json as ExperimentAnalysis;
    expect(a).toMatchObject({ status: 'ok', srm: { passed: true }, units: { total: 6000 } });
    const ctr = a.comparisons[0].metrics.find((m) => m.metric === 'ctr')!;
    expect(ctr.relativeLift.ci[0]).toBeLessThan(0.2);
    expect(ctr.relativeLift.ci[1]).toBeGreaterThan(0.2);
    expect(ctr.sequential).toBeDefined();
    expect(a.timeline.length).toBeGreaterThan(10);

    const html = await fetch(`${stack.ingest.url}/v1/experiments/${id}/report.html`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const page = await html.text();
    expect(page).toContain(sim.definition.name);
    expect(page).toMatch(/sample ratio/i);
    expect(page).not.toMatch(/<script/);

    const plan = await api('POST', '/v1/experiments/plan', { baseline: { rate: 0.05 }, mde: { relative: 0.1 } });
    expect(plan.json.unitsPerVariant).toBeGreaterThan(20_000);
    expect((await api('POST', `/v1/experiments/${id}/stop`)).json.status).toBe('stopped');
    expect((await api('POST', `/v1/experiments/${id}/events`, { events: [] })).json.error.code).toBe('experiment_stopped');
    const metrics = await (await fetch(`${stack.ingest.url}/metrics`)).text();
    expect(metrics).toMatch(/assay_experiment_events_total\{[^}]*outcome="duplicate"[^}]*\} [1-9]/);
  }, 60_000);
});

describe('the causal analysis of a score of real assets', () => {
  it('recovers a known effect of sharpness on click-through, adjusting for category', async () => {
    const results = (await api('GET', `/v1/runs/${runId}/results?limit=100`)).json;
    const items = results.items as { assetId: string; scores: Record<string, number>; attributes: { category: string } }[];
    expect(items).toHaveLength(ASSETS);
    const score = Object.keys(items[0].scores).find((k) => k.startsWith('sharpness.'))!;
    const sorted = items.map((r) => r.scores[score]).sort((a, b) => a - b);
    const median = (sorted[ASSETS / 2 - 1] + sorted[ASSETS / 2]) / 2;
    const rng = createRng(5);
    const effect = 0.03;
    const created = await api('POST', '/v1/experiments', {
      name: 'which images get clicked',
      unit: 'session',
      variants: [{ key: 'current' }, { key: 'generated', runId }],
      primaryMetric: { key: 'ctr', kind: 'ratio', numerator: { event: 'click' }, denominator: { event: 'impression' } },
    });
    const id = created.json.id;
    const events: ExperimentEvent[] = [];
    for (const r of items) {
      const ctr = 0.04 + 0.01 * CATEGORIES.indexOf(r.attributes.category) + (r.scores[score] > median ? effect : 0);
      for (let k = 0; k < 600; k++) {
        const unitId = `${r.assetId}-${k}`;
        const base = { unitId, variant: 'generated', assetId: r.assetId, value: 0, timestamp: '2026-11-05T12:00:00Z' };
        events.push({ ...base, eventId: `${unitId}-i`, type: 'impression' });
        if (rng.nextFloat() < ctr) events.push({ ...base, eventId: `${unitId}-c`, type: 'click' });
      }
    }
    for (let i = 0; i < events.length; i += 10_000)
      expect((await api('POST', `/v1/experiments/${id}/events`, { events: events.slice(i, i + 10_000) })).status).toBe(200);

    const res = await api('POST', `/v1/experiments/${id}/causal`, {
      treatment: { score, topShare: 0.5 },
      confounders: ['category'],
      trim: [0.01, 0.99],
    });
    expect(res.status).toBe(200);
    const c = res.json as CausalAnalysis;
    expect(c.assets).toMatchObject({ joined: ASSETS, treated: ASSETS / 2, control: ASSETS / 2 });
    expect(c.aipw.ci[0]).toBeLessThan(effect);
    expect(c.aipw.ci[1]).toBeGreaterThan(effect);
    expect(c.regression.ci[0]).toBeLessThan(effect);
    expect(c.regression.ci[1]).toBeGreaterThan(effect);
    expect(c.balance.map((b) => b.covariate)).toEqual(['category[T.hats]', 'category[T.shoes]', 'category[T.watches]']);
    expect(c.assumptions).toMatch(/unmeasured confounding/);
    expect(c.overlap.treated.bins.reduce((s, n) => s + n, 0)).toBe(ASSETS / 2);

    // the same confounder twice: refused before any model is fitted
    const twice = await api('POST', `/v1/experiments/${id}/causal`, {
      treatment: { score, topShare: 0.5 },
      confounders: ['category', 'category'],
    });
    expect([twice.status, twice.json.error.code]).toEqual([400, 'validation_failed']);
    const none = await api('POST', `/v1/experiments/${id}/causal`, { treatment: { score, above: 1e12 } });
    expect(none.json.error.code).toBe('not_enough_assets');
  }, 120_000);
});
