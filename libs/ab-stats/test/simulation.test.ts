/**
 * Simulations, seeded, from models whose population values are known:
 * - a skewed mean metric (exponential, mean 1 vs 1.1, 400 units per arm): the Welch interval of the difference;
 * - a ratio metric with the user as unit (impressions 1 + geometric(mean 4), clicks binomial at a user rate
 *   drawn from Beta(2, 18), the treatment's rates × 1.1): Σclicks/Σimpressions tends to E[p] = 0.1 vs 0.11, so
 *   the true difference is 0.01; the delta-method z interval;
 * - a normal metric with a covariate of correlation ρ = 0.7 (y = 10 + ρx + √(1 − ρ²)e): CUPED's interval, and its
 *   variance reduction, which tends to ρ² = 0.49;
 * - A/A tests peeked at 50 times: the mSPRT confidence sequence against naive repeated Welch tests.
 * Bands for 95 % intervals over 1 000 experiments: 93–97 % (±2.9 binomial sd); false positives at α = 0.05:
 * 3–7 %. Over 500 peeked A/A tests the sequence may reject ≤ 6.5 % (5 % plus 2 sd of Monte-Carlo error).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, type Rng } from '@assay/stats';
import { compareMetric, confidenceSequence, mixingVariance, type MetricComparison } from '@assay/ab-stats';

const ALPHA = 0.05;
/** What each simulation measured, printed at the end so the bands' margins are visible. */
const figures = new Map<string, number>();
afterAll(() => console.log([...figures].map(([k, v]) => `${k.padEnd(44)} ${v.toFixed(4)}`).join('\n')));
const covers = (r: MetricComparison, truth: number) => r.difference.ci[0] <= truth && truth <= r.difference.ci[1];

function exponential(rng: Rng, n: number, mean: number): Float64Array {
  return Float64Array.from({ length: n }, () => -mean * Math.log(1 - rng.nextFloat()));
}

/** Per-user clicks and impressions; the treatment multiplies every user's click rate. */
function clicks(rng: Rng, users: number, lift: number): { y: Float64Array; n: Float64Array } {
  const y = new Float64Array(users);
  const n = new Float64Array(users);
  for (let i = 0; i < users; i++) {
    let impressions = 1;
    while (rng.nextFloat() < 0.8) impressions++; // 1 + geometric, mean 5
    const p = rng.beta(2, 18) * lift;
    let c = 0;
    for (let k = 0; k < impressions; k++) if (rng.nextFloat() < p) c++;
    y[i] = c;
    n[i] = impressions;
  }
  return { y, n };
}

/** y = mean + ρx + √(1 − ρ²)e with x, e standard normal: corr(y, x) = ρ. */
function correlated(rng: Rng, n: number, mean: number, rho: number): { y: Float64Array; x: Float64Array } {
  const x = Float64Array.from({ length: n }, () => rng.normal());
  const y = x.map((v) => mean + rho * v + Math.sqrt(1 - rho * rho) * rng.normal());
  return { y, x };
}

describe('coverage of the 95 % interval of the difference over 1 000 experiments with a known lift', () => {
  it('mean metric (skewed, Welch): 93–97 %', () => {
    const rng = createRng(2024);
    let hits = 0;
    for (let s = 0; s < 1000; s++) {
      const r = compareMetric({ y: exponential(rng, 400, 1) }, { y: exponential(rng, 400, 1.1) }, { alpha: ALPHA });
      if (covers(r, 0.1)) hits++;
    }
    figures.set('coverage, mean metric', hits / 1000);
    expect(hits / 1000).toBeGreaterThanOrEqual(0.93);
    expect(hits / 1000).toBeLessThanOrEqual(0.97);
  });

  it('ratio metric, the user as unit (delta method): 93–97 %', () => {
    const rng = createRng(7);
    let hits = 0;
    for (let s = 0; s < 1000; s++) {
      const r = compareMetric(clicks(rng, 1000, 1), clicks(rng, 1000, 1.1), { alpha: ALPHA });
      if (covers(r, 0.01)) hits++;
    }
    figures.set('coverage, ratio metric', hits / 1000);
    expect(hits / 1000).toBeGreaterThanOrEqual(0.93);
    expect(hits / 1000).toBeLessThanOrEqual(0.97);
  });

  it('CUPED with ρ = 0.7: 93–97 %, the interval ≈ √(1 − ρ²) as wide', () => {
    const rng = createRng(99);
    let hits = 0;
    let widthRatio = 0;
    for (let s = 0; s < 1000; s++) {
      const [c, t] = [correlated(rng, 300, 10, 0.7), correlated(rng, 300, 10.2, 0.7)];
      const r = compareMetric(c, t, { alpha: ALPHA, cuped: true });
      if (covers(r, 0.2)) hits++;
      const plain = compareMetric({ y: c.y }, { y: t.y }, { alpha: ALPHA });
      widthRatio += (r.difference.ci[1] - r.difference.ci[0]) / (plain.difference.ci[1] - plain.difference.ci[0]) / 1000;
    }
    figures.set('coverage, CUPED', hits / 1000);
    figures.set('CUPED / plain interval width (√0.51 = 0.714)', widthRatio);
    expect(hits / 1000).toBeGreaterThanOrEqual(0.93);
    expect(hits / 1000).toBeLessThanOrEqual(0.97);
    expect(Math.abs(widthRatio - Math.sqrt(1 - 0.49))).toBeLessThan(0.02);
  });
});

describe('A/A tests at α = 0.05', () => {
  it('reject 3–7 % with and without CUPED, and CUPED removes ≈ ρ² = 0.49 of the variance', () => {
    const rng = createRng(4242);
    let [plain, adjusted, reduction] = [0, 0, 0];
    for (let s = 0; s < 1000; s++) {
      const [c, t] = [correlated(rng, 300, 10, 0.7), correlated(rng, 300, 10, 0.7)];
      if (compareMetric({ y: c.y }, { y: t.y }, { alpha: ALPHA }).difference.pValue < ALPHA) plain++;
      const r = compareMetric(c, t, { alpha: ALPHA, cuped: true });
      if (r.difference.pValue < ALPHA) adjusted++;
      reduction += r.cuped!.varianceReduction / 1000;
    }
    figures.set('A/A false positives, plain', plain / 1000);
    figures.set('A/A false positives, CUPED', adjusted / 1000);
    figures.set('CUPED variance reduction (ρ² = 0.49)', reduction);
    for (const rejections of [plain, adjusted]) {
      expect(rejections / 1000).toBeGreaterThanOrEqual(0.03);
      expect(rejections / 1000).toBeLessThanOrEqual(0.07);
    }
    // θ is estimated, so the reduction is ρ² up to O(1/N); its sd over experiments is ≈ 0.04
    expect(Math.abs(reduction - 0.49)).toBeLessThan(0.02);
  });

  it('ratio metric A/A (delta method): 3–7 %', () => {
    const rng = createRng(31);
    let rejections = 0;
    for (let s = 0; s < 1000; s++)
      if (compareMetric(clicks(rng, 500, 1), clicks(rng, 500, 1), { alpha: ALPHA }).difference.pValue < ALPHA) rejections++;
    figures.set('A/A false positives, ratio', rejections / 1000);
    expect(rejections / 1000).toBeGreaterThanOrEqual(0.03);
    expect(rejections / 1000).toBeLessThanOrEqual(0.07);
  });
});

describe('continuous monitoring: 50 looks per experiment', () => {
  const LOOKS = 50;
  const BATCH = 20; // units per arm added between looks: 1 000 per arm at the last look
  // planned for 1 000 per arm at α = 0.05 and 80 % power with sd 1: mde = (1.96 + 0.84)·√(2/1000) ≈ 0.125
  const tau2 = mixingVariance(0.125);

  /** Runs one experiment with the given true difference; reports whether the sequence and the naive test ever rejected. */
  function peek(rng: Rng, effect: number): { sequential: boolean; naive: boolean; firstLook: number } {
    const c = Float64Array.from({ length: LOOKS * BATCH }, () => rng.normal());
    const t = Float64Array.from({ length: LOOKS * BATCH }, () => effect + rng.normal());
    const looks = [];
    let naive = false;
    for (let k = 1; k <= LOOKS; k++) {
      const r = compareMetric({ y: c.subarray(0, k * BATCH) }, { y: t.subarray(0, k * BATCH) }, { alpha: ALPHA });
      looks.push({ estimate: r.difference.estimate, variance: r.difference.se ** 2 });
      if (r.difference.pValue < ALPHA) naive = true;
    }
    const seq = confidenceSequence(looks, ALPHA, tau2);
    const firstLook = seq.findIndex((s) => s.pValue < ALPHA);
    return { sequential: firstLook >= 0, naive, firstLook };
  }

  it('500 A/A experiments: the mSPRT sequence rejects ≤ 6.5 %, naive repeated Welch tests > 10 %', () => {
    const rng = createRng(5150);
    let [sequential, naive] = [0, 0];
    for (let s = 0; s < 500; s++) {
      const r = peek(rng, 0);
      if (r.sequential) sequential++;
      if (r.naive) naive++;
    }
    figures.set('peeked A/A rejections, mSPRT sequence', sequential / 500);
    figures.set('peeked A/A rejections, naive Welch', naive / 500);
    expect(sequential / 500).toBeLessThanOrEqual(0.065);
    expect(naive / 500).toBeGreaterThan(0.1);
  });

  it('a true effect of 0.2 sd is caught: ≥ 85 % of 200 experiments reject by the last look, most well before it', () => {
    const rng = createRng(6006);
    const stops: number[] = [];
    for (let s = 0; s < 200; s++) {
      const r = peek(rng, 0.2);
      if (r.sequential) stops.push(r.firstLook);
    }
    expect(stops.length / 200).toBeGreaterThanOrEqual(0.85);
    stops.sort((a, b) => a - b);
    figures.set('effect 0.2: sequence power by look 50', stops.length / 200);
    figures.set('effect 0.2: median first rejecting look', stops[Math.floor(stops.length / 2)] + 1);
    expect(stops[Math.floor(stops.length / 2)]).toBeLessThan(LOOKS * 0.75);
  });
});
