import { describe, expect, it } from 'vitest';
import type { StudyAnalysis } from '@assay/contracts';
import { renderStudyReport } from '../dist/commands/study.js';
import { runCli } from '../dist/cli.js';
import { captured, isolatedEnv } from './helpers.js';

const est = (estimate: number, lo: number, hi: number, n = 40) => ({ estimate, ci: [lo, hi] as [number, number], n });

const analysis: StudyAnalysis = {
  studyId: 'std_0',
  name: 'fox or not',
  protocol: 'pairwise',
  status: 'closed',
  computedAt: '2026-12-05T00:00:00Z',
  confidence: 0.95,
  raters: [
    {
      raterId: 'r1',
      name: 'Ada',
      answers: 40,
      goldAnswers: 4,
      goldAccuracy: 1,
      medianSeconds: 4.2,
      straightLining: 0.55,
      excluded: false,
      reasons: [],
    },
    {
      raterId: 'r2',
      name: 'Clicker',
      answers: 40,
      goldAnswers: 4,
      goldAccuracy: 0.25,
      medianSeconds: 0.8,
      straightLining: 1,
      excluded: true,
      reasons: ['gold accuracy 0.25 < 0.7 (1 of 4)'],
    },
  ],
  included: { raters: 1, answers: 36, items: 36 },
  agreement: [],
  pairwise: {
    versions: [
      {
        modelVersion: 'v1',
        wins: 10,
        losses: 20,
        ties: 6,
        comparisons: 36,
        winRate: est(0.36, 0.22, 0.52),
        strength: 0,
        strengthCi: [0, 0],
        rank: 2,
      },
      {
        modelVersion: 'v2',
        wins: 20,
        losses: 10,
        ties: 6,
        comparisons: 36,
        winRate: est(0.64, 0.48, 0.78),
        strength: 0.69,
        strengthCi: [0.1, 1.3],
        rank: 1,
      },
    ],
    tieParameter: 0.3,
    comparisons: 36,
    leftShare: est(0.5, 0.33, 0.67, 30),
  },
  calibration: [
    {
      score: 'aesthetic.score',
      human: 'preference',
      direction: 'higher',
      measure: 'pairwise_accuracy',
      agreement: est(0.81, 0.66, 0.9, 30),
      byVersion: [],
      slices: [],
    },
  ],
  warnings: ['agreement on preference: fewer than 2 items have 2 or more ratings'],
};

describe('assay study report', () => {
  it('prints rater quality, the ranking best first and the calibration', () => {
    const text = renderStudyReport(analysis);
    expect(text.split('\n')[0]).toBe('study std_0 "fox or not" (pairwise, closed) — 36 answers on 36 items by 1 raters');
    expect(text).toContain('Clicker  40       0.25       0.8       1.00         yes: gold accuracy 0.25 < 0.7 (1 of 4)');
    const ranking = text.slice(text.indexOf('preferences'));
    expect(ranking.indexOf('v2')).toBeLessThan(ranking.indexOf('v1'));
    expect(text).toContain('0.69 [0.10, 1.30]');
    expect(text).toMatch(/aesthetic\.score\s+preference\s+pairwise_accuracy\s+0\.81 \[0\.66, 0\.90\]\s+30/);
    expect(text).toContain('warning: agreement on preference');
  });

  it('refuses a missing action or file as a usage error', async () => {
    const ctx = captured(isolatedEnv());
    expect(await runCli(['study'], ctx)).toBe(2);
    expect(ctx.err.text).toContain('give an action: create, invite, report or close');
    const ctx2 = captured(isolatedEnv());
    expect(await runCli(['study', 'report'], ctx2)).toBe(2);
    expect(ctx2.err.text).toContain('give the study id');
  });
});
