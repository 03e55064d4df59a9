/**
 * The analysis on simulated studies with a known truth: items of two versions with true qualities, careful
 * raters (the truth plus noise), a random clicker the gold items must catch, and automated scores that track
 * the truth, track it inverted (a lower-is-better score) or ignore it.
 */
import { describe, expect, it } from 'vitest';
import { MetricCatalog } from '@assay/metric-catalog';
import { createRng } from '@assay/stats';
import { analyzeStudy, type RaterRecord } from '@assay/studies';
import type { StudyAnswer, StudyItem, StudyRecord } from '@assay/contracts';
import { makeItems, studyRecord } from './fixtures.js';

const catalog = MetricCatalog.load();
const rng = createRng(20261205);
const raters: RaterRecord[] = ['careful 1', 'careful 2', 'careful 3', 'careful 4', 'clicker'].map((name, i) => ({
  raterId: `rtr_${i}`,
  name,
  createdAt: '2026-12-05T00:00:00Z',
}));

/** True quality in [1, 5]: version 2 (odd asset index) is a point better on average. */
const truth = (assetIndex: number) => 2 + (assetIndex % 2) + 2 * ((assetIndex * 0.6180339887) % 1);

function scoresFor(i: number) {
  const t = truth(i);
  return {
    'aesthetic.score': t + 0.3 * rng.normal(), // tracks the humans
    'brisque.score': 50 - 8 * t + 2 * rng.normal(), // tracks them too, lower is better
    'noise.sigma': rng.nextFloat(), // unrelated to what people see
  };
}

function answerOf(study: StudyRecord, item: StudyItem, rater: RaterRecord, value: StudyAnswer['value'], n: number): StudyAnswer {
  return {
    studyId: study.id,
    itemId: item.id,
    raterId: rater.raterId,
    assignmentId: `asg_${rater.raterId}_${n}`,
    gold: item.gold,
    value,
    elapsedMs: rater.name === 'clicker' ? 2500 : 4000 + 1000 * rng.nextFloat(),
    answeredAt: new Date(Date.UTC(2026, 11, 5, 0, 0, n)).toISOString(),
    source: 'app',
  };
}

const clamp = (v: number) => Math.min(5, Math.max(1, Math.round(v)));

describe('a Likert study', () => {
  const study = studyRecord({ protocol: 'likert', items: 120, goldItems: 6, goldRate: 0.1 });
  const items = makeItems(study, 120, scoresFor);
  const assetIndex = (item: StudyItem) => Number(item.assets[0].assetId.split('-')[1]) * 2 + (item.assets[0].runId === 'run_b' ? 1 : 0);
  const gold: StudyItem[] = Array.from({ length: 6 }, (_, g) => ({
    ...items[g],
    id: `g-000${g + 1}`,
    gold: true,
    expected: { ratings: { quality: g % 2 ? { min: 4, max: 5 } : { min: 1, max: 2 } } },
  }));
  const answers: StudyAnswer[] = [];
  let n = 0;
  for (const rater of raters) {
    for (const item of items) {
      const t = truth(assetIndex(item));
      const v = rater.name === 'clicker' ? 1 + rng.nextInt(5) : clamp(t + 0.6 * rng.normal());
      answers.push(answerOf(study, item, rater, { ratings: { quality: v } }, n++));
    }
    for (const [g, item] of gold.entries()) {
      const v = rater.name === 'clicker' ? 1 + rng.nextInt(5) : g % 2 ? 5 : 1;
      answers.push(answerOf(study, item, rater, { ratings: { quality: v } }, n++));
    }
  }
  const analysis = analyzeStudy(study, [...items, ...gold], raters, answers, catalog, { resamples: 400 });

  it('excludes the random clicker on gold accuracy and keeps the careful raters', () => {
    const clicker = analysis.raters.find((r) => r.name === 'clicker')!;
    expect(clicker.excluded).toBe(true);
    expect(clicker.goldAccuracy).toBeLessThan(0.7);
    expect(clicker.reasons[0]).toMatch(/^gold accuracy/);
    expect(analysis.raters.filter((r) => r.excluded)).toHaveLength(1);
    expect(analysis.included).toEqual({ raters: 4, answers: 480, items: 120 });
  });

  it('measures the agreement the rater model implies', () => {
    const [quality] = analysis.agreement;
    expect(quality.level).toBe('ordinal');
    expect(quality.items).toBe(120);
    // true-quality variance ≈ 0.25 (version) + 0.33 (spread) = 0.58; a rater adds 0.36 (noise) + 0.08 (rounding):
    // reliability ≈ 0.58 / 1.02 ≈ 0.57
    expect(quality.alpha.estimate).toBeGreaterThan(0.45);
    expect(quality.alpha.estimate).toBeLessThan(0.7);
    expect(quality.alpha.ci[0]).toBeLessThan(quality.alpha.estimate);
    expect(quality.alpha.ci[1]).toBeGreaterThan(quality.alpha.estimate);
    expect(quality.alphaInterval!.estimate).toBeGreaterThan(0.45);
    expect(quality.cohenPairs).toHaveLength(6);
  });

  it('finds the better version better, by a test on item means', () => {
    const [dim] = analysis.likert!;
    const [v1, v2] = dim.versions;
    expect(v1.modelVersion).toBe('v1');
    expect(v2.mean.estimate - v1.mean.estimate).toBeGreaterThan(0.6);
    expect(v1.mean.n).toBe(60);
    expect(v1.distribution.reduce((s, c) => s + c, 0)).toBe(240);
    expect(dim.tests).toHaveLength(1);
    expect(dim.tests[0].pAdjusted).toBeLessThan(0.001);
  });

  it('calibrates scores against the humans, oriented by their direction', () => {
    const of = (score: string) => analysis.calibration.find((c) => c.score === score)!;
    expect(of('aesthetic.score').agreement.estimate).toBeGreaterThan(0.7);
    expect(of('aesthetic.score').spearman!.estimate).toBeGreaterThan(0.7);
    expect(of('aesthetic.score').kendallTauB!.estimate).toBeGreaterThan(0.5);
    // brisque falls as quality rises: its raw ρ is negative, its agreement positive
    expect(of('brisque.score').spearman!.estimate).toBeLessThan(-0.7);
    expect(of('brisque.score').agreement.estimate).toBeGreaterThan(0.7);
    expect(Math.abs(of('noise.sigma').agreement.estimate)).toBeLessThan(0.3);
    expect(of('noise.sigma').agreement.ci[0]).toBeLessThan(0);
    expect(of('aesthetic.score').byVersion.map((v) => v.modelVersion)).toEqual(['v1', 'v2']);
    expect(of('aesthetic.score').slices.map((s) => `${s.key}=${s.value}:${s.n}`)).toEqual(['category=objects:60', 'category=people:60']);
  });
});

describe('a pairwise study', () => {
  const study = studyRecord({ protocol: 'pairwise', items: 80 });
  const items = makeItems(study, 80, scoresFor);
  const answers: StudyAnswer[] = [];
  let n = 0;
  for (const rater of raters.slice(0, 4))
    for (const [i, item] of items.entries()) {
      // v2 is truly better on average; people see the difference with noise
      const diff = truth(2 * i + 1) - truth(2 * i) + 0.8 * rng.normal();
      const preferred = Math.abs(diff) < 0.2 ? 'tie' : diff > 0 ? 'b' : 'a';
      const swapped = rng.nextFloat() < 0.5;
      const side = preferred === 'tie' ? 'tie' : (preferred === 'a') !== swapped ? 'left' : 'right';
      answers.push({ ...answerOf(study, item, rater, { preferred }, n++), swapped, side });
    }
  const analysis = analyzeStudy(study, items, raters.slice(0, 4), answers, catalog, { resamples: 300 });

  it('ranks the better version first with a Bradley–Terry strength whose interval excludes zero', () => {
    const [v1, v2] = analysis.pairwise!.versions;
    expect(v1.strength).toBe(0);
    expect(v2.strength!).toBeGreaterThan(0);
    expect(v2.strengthCi![0]).toBeGreaterThan(0);
    expect(v2.rank).toBe(1);
    expect(v2.winRate.estimate).toBeGreaterThan(0.6);
    expect(v1.wins + v1.losses + v1.ties).toBe(320);
    expect(analysis.pairwise!.comparisons).toBe(320);
    expect(analysis.pairwise!.tieParameter).toBeGreaterThan(0);
  });

  it('finds no position bias where there is none', () => {
    const { leftShare } = analysis.pairwise!;
    expect(leftShare.ci[0]).toBeLessThan(0.5);
    expect(leftShare.ci[1]).toBeGreaterThan(0.5);
  });

  it('scores that order pairs like the humans get a high pairwise accuracy', () => {
    const of = (score: string) => analysis.calibration.find((c) => c.score === score)!;
    expect(of('aesthetic.score').measure).toBe('pairwise_accuracy');
    expect(of('aesthetic.score').agreement.estimate).toBeGreaterThan(0.65);
    expect(of('brisque.score').agreement.estimate).toBeGreaterThan(0.65);
    expect(of('noise.sigma').agreement.estimate).toBeGreaterThan(0.3);
    expect(of('noise.sigma').agreement.estimate).toBeLessThan(0.65);
  });
});
