import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { ResultRecord } from '@assay/contracts';
import { MAX_MODEL_VERSIONS, QualityMetrics } from '@assay/aggregator';

const record = (modelVersion: string, scores: Record<string, number>, failed: string[] = [], suite = 'image-default'): ResultRecord => ({
  schemaVersion: 1,
  runId: 'run_1',
  assetId: `a-${Math.random()}`,
  jobId: 'j',
  modality: 'image',
  suite,
  modelVersion,
  sourceUri: 's3://assay/a',
  attributes: {},
  attempt: 1,
  worker: { host: 'h', pid: 1, version: '0', executionProviders: ['cpu'] },
  finishedAt: new Date(0).toISOString(),
  status: 'completed',
  scores,
  metrics: [],
  checks: {
    pass: failed.length === 0,
    passed: Object.keys(scores).filter((s) => !failed.includes(s)),
    failures: failed.map((score) => ({ score, value: scores[score], max: 0 })),
    skipped: [],
  },
});

const value = (text: string, name: string, labels: string) =>
  Number(new RegExp(`^${name}\\{${labels}[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);

describe('QualityMetrics: pass rate and thresholded-score means per suite and model version', () => {
  it('counts pass and fail and sums each thresholded score', async () => {
    const registry = new Registry();
    const q = new QualityMetrics(registry);
    q.observe(record('v1', { 'text.unexpected_text': 0, 'exposure.highlight_clip_ratio': 0.01 }));
    q.observe(record('v1', { 'text.unexpected_text': 2, 'exposure.highlight_clip_ratio': 0.03 }, ['text.unexpected_text']));
    q.observe({ ...record('v1', {}), status: 'failed', checks: undefined });
    const text = await registry.metrics();
    const v1 = 'suite="image-default",model_version="v1"';
    expect(value(text, 'assay_quality_assets_total', `${v1},result="pass"`)).toBe(1);
    expect(value(text, 'assay_quality_assets_total', `${v1},result="fail"`)).toBe(1);
    expect(value(text, 'assay_quality_score_sum', `${v1},score="text.unexpected_text"`)).toBe(2);
    expect(value(text, 'assay_quality_score_count', `${v1},score="text.unexpected_text"`)).toBe(2);
    expect(value(text, 'assay_quality_score_sum', `${v1},score="exposure.highlight_clip_ratio"`)).toBeCloseTo(0.04, 12);
  });

  it(`keeps the series of the ${MAX_MODEL_VERSIONS} most recently seen model versions only`, async () => {
    const registry = new Registry();
    const q = new QualityMetrics(registry);
    for (let v = 0; v <= MAX_MODEL_VERSIONS; v++) q.observe(record(`v${v}`, { 's.x': v }));
    q.observe(record('v1', { 's.x': 1 })); // v1 seen again: v2 is now the oldest
    q.observe(record('v-new', { 's.x': 1 }));
    const text = await registry.metrics();
    const versions = new Set([...text.matchAll(/model_version="([^"]+)"/g)].map((m) => m[1]));
    expect(versions.size).toBe(MAX_MODEL_VERSIONS);
    for (const gone of ['v0', 'v2']) expect(versions.has(gone)).toBe(false);
    for (const kept of ['v1', 'v3', `v${MAX_MODEL_VERSIONS}`, 'v-new']) expect(versions.has(kept)).toBe(true);
  });
});
