import { describe, expect, it } from 'vitest';
import type { RunSummary } from '@assay/contracts';
import { renderSummary } from '../src/summary-table.js';

const summary: RunSummary = {
  schemaVersion: 1,
  runId: 'run_1',
  name: 'speech',
  modelVersion: 'tts-3',
  suite: 'audio-default',
  labels: {},
  status: 'closed',
  final: true,
  generatedAt: '2026-12-04T00:00:00.000Z',
  counts: { submitted: 3, awaitingContent: 0, pending: 0, completed: 3, failed: 0, duplicates: 0 },
  failures: {},
  scores: { 'loudness.integrated_lufs': { count: 2, mean: -22, std: 2, min: -24, max: -20, p5: -24, p50: -22, p95: -20 } },
  censored: { 'loudness.integrated_lufs': { below: 1, above: 0 }, 'snr.snr_db': { below: 0, above: 2 } },
  passRates: { assets: { passed: 0, failed: 0, rate: null }, scores: {} },
  nearDuplicates: { fingerprint: 'perceptual_hash.phash', maxDistance: 6, pairs: 0, assets: 0, hashed: 0, rate: null, truncated: 0 },
  resultsUri: 's3://assay/runs/run_1/results/',
  summaryUri: 's3://assay/runs/run_1/summary.json',
};

describe('renderSummary', () => {
  it('prints the statistics of measured values and, apart, what was censored at a floor or cap', () => {
    const text = renderSummary(summary);
    expect(text).toMatch(/^loudness\.integrated_lufs {2}2 {3}-22 {4}2 {2}-24/m);
    expect(text).toContain('censored (at a floor or cap, not in the statistics above):');
    expect(text).toMatch(/^ {2}loudness\.integrated_lufs {2}1 below$/m);
    expect(text).toMatch(/^ {2}snr\.snr_db {16}2 above$/m);
  });
});
