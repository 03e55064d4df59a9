/**
 * Coverage simulations, seeded: 1 000 datasets from known distributions. 95 % intervals must cover the
 * truth in 93–97 % of them (±2.2 binomial sd around 95 %; the distribution-free quantile interval, which is
 * conservative, at least 94 %), and tests under the null must reject at α = 0.05 in 3–7 % of them.
 */
import { describe, expect, it } from 'vitest';
import {
  bootstrapMeans,
  createRng,
  mannWhitneyU,
  newcombeDiffInterval,
  pairedTTest,
  quantileInterval,
  welchTTest,
  wilcoxonSignedRank,
  wilsonInterval,
  type Rng,
} from '@assay/stats';

const RUNS = 1000;

function rate(seed: number, trial: (rng: Rng) => boolean): number {
  const rng = createRng(seed);
  let hits = 0;
  for (let r = 0; r < RUNS; r++) if (trial(rng)) hits++;
  return hits / RUNS;
}

const sample = (rng: Rng, n: number, draw: (rng: Rng) => number) => Float64Array.from({ length: n }, () => draw(rng));
const covers = (ci: readonly [number, number] | null, truth: number) => ci !== null && ci[0] <= truth && truth <= ci[1];
const bernoullis = (rng: Rng, n: number, p: number) => {
  let x = 0;
  for (let i = 0; i < n; i++) if (rng.nextFloat() < p) x++;
  return x;
};

describe('coverage of 95 % intervals', () => {
  it('Welch t: normal samples, unequal variances and sizes', () => {
    const c = rate(1, (rng) =>
      covers(
        welchTTest(
          sample(rng, 12, (r) => r.normal()),
          sample(rng, 25, (r) => 1 + 3 * r.normal()),
          0.05,
        ).ci,
        1,
      ),
    );
    console.log(`welch coverage ${c}`);
    expect(c).toBeGreaterThanOrEqual(0.93);
    expect(c).toBeLessThanOrEqual(0.97);
  });

  it('paired t: normal differences', () => {
    const c = rate(2, (rng) =>
      covers(
        pairedTTest(
          sample(rng, 15, (r) => 0.5 + r.normal()),
          0.05,
        ).ci,
        0.5,
      ),
    );
    console.log(`paired t coverage ${c}`);
    expect(c).toBeGreaterThanOrEqual(0.93);
    expect(c).toBeLessThanOrEqual(0.97);
  });

  it('BCa bootstrap mean: Gamma(4) scores, n = 100', () => {
    let seed = 100;
    const c = rate(3, (rng) => {
      const [r] = bootstrapMeans([sample(rng, 100, (g) => g.gamma(4))], { resamples: 1000, seed: seed++, alpha: 0.05, method: 'bca' });
      return covers(r.ci, 4);
    });
    console.log(`BCa mean coverage ${c}`);
    expect(c).toBeGreaterThanOrEqual(0.93);
    expect(c).toBeLessThanOrEqual(0.97);
  });

  // a binomial interval's coverage at one fixed p is a saw-tooth in p; a p drawn anew per dataset averages it
  it('Wilson: p uniform on (0.1, 0.9), n = 80', () => {
    const c = rate(14, (rng) => {
      const p = 0.1 + 0.8 * rng.nextFloat();
      return covers(wilsonInterval(bernoullis(rng, 80, p), 80, 0.05), p);
    });
    console.log(`wilson coverage ${c}`);
    expect(c).toBeGreaterThanOrEqual(0.93);
    expect(c).toBeLessThanOrEqual(0.97);
  });

  it('Newcombe: p₁ = 0.2, p₂ = 0.3, n = 100 and 120', () => {
    const c = rate(5, (rng) => covers(newcombeDiffInterval(bernoullis(rng, 100, 0.2), 100, bernoullis(rng, 120, 0.3), 120, 0.05), 0.1));
    console.log(`newcombe coverage ${c}`);
    expect(c).toBeGreaterThanOrEqual(0.93);
    expect(c).toBeLessThanOrEqual(0.97);
  });

  it('quantile interval: the median and p90 of an exponential, n = 60', () => {
    for (const p of [0.5, 0.9]) {
      const truth = -Math.log(1 - p);
      const c = rate(6, (rng) => covers(quantileInterval(sample(rng, 60, (r) => -Math.log(1 - r.nextFloat())).sort(), p, 0.05), truth));
      console.log(`quantile p${p * 100} coverage ${c}`);
      expect(c).toBeGreaterThanOrEqual(0.94);
    }
  });
});

describe('size of tests under the null', () => {
  const rejects = (p: number) => p < 0.05;

  it('Welch t', () => {
    const r = rate(7, (rng) =>
      rejects(
        welchTTest(
          sample(rng, 10, (g) => g.normal()),
          sample(rng, 30, (g) => 2 * g.normal()),
          0.05,
        ).pValue,
      ),
    );
    console.log(`welch size ${r}`);
    expect(r).toBeGreaterThanOrEqual(0.03);
    expect(r).toBeLessThanOrEqual(0.07);
  });

  it('Mann–Whitney: skewed samples of one distribution, asymptotic (n = 40, 50)', () => {
    const r = rate(8, (rng) =>
      rejects(
        mannWhitneyU(
          sample(rng, 40, (g) => g.gamma(2)),
          sample(rng, 50, (g) => g.gamma(2)),
        ).pValue,
      ),
    );
    console.log(`mann-whitney size ${r}`);
    expect(r).toBeGreaterThanOrEqual(0.03);
    expect(r).toBeLessThanOrEqual(0.07);
  });

  it('Wilcoxon: symmetric differences, exact (n = 20) and approximate (n = 80)', () => {
    for (const n of [20, 80]) {
      const r = rate(9, (rng) => rejects(wilcoxonSignedRank(sample(rng, n, (g) => g.normal() * (1 + g.nextFloat()))).pValue));
      console.log(`wilcoxon n=${n} size ${r}`);
      expect(r).toBeGreaterThanOrEqual(0.03);
      expect(r).toBeLessThanOrEqual(0.07);
    }
  });
});
