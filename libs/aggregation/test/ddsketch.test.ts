import { describe, expect, it } from 'vitest';
import { binOf, quantiles, RELATIVE_ACCURACY } from '@assay/aggregation';
import { rng } from '../../../test/helpers/images.js';

function sketch(values: number[]) {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(binOf(v), (counts.get(binOf(v)) ?? 0) + 1);
  return [...counts].map(([bin, count]) => ({ bin, count }));
}

function exact(sorted: number[], q: number) {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

describe('DDSketch', () => {
  const random = rng(7);
  const cases: Record<string, number[]> = {
    lognormal: Array.from({ length: 5000 }, () =>
      Math.exp(2 + 1.5 * Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random())),
    ),
    uniform01: Array.from({ length: 5000 }, () => random()),
    'signed with zeros': Array.from({ length: 5000 }, (_, i) => (i % 10 === 0 ? 0 : (random() - 0.5) * 200)),
  };

  for (const [name, values] of Object.entries(cases)) {
    it(`${name}: quantiles within the relative accuracy of the exact rank`, () => {
      const sorted = [...values].sort((a, b) => a - b);
      const qs = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];
      const got = quantiles(sketch(values), qs, sorted[0], sorted.at(-1)!);
      qs.forEach((q, i) => {
        const want = exact(sorted, q);
        expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(RELATIVE_ACCURACY * Math.abs(want) + 1e-12);
      });
    });
  }

  it('merging sketches is adding bin counts', () => {
    const a = cases.uniform01.slice(0, 2500);
    const b = cases.uniform01.slice(2500);
    const merged = new Map<string, number>();
    for (const { bin, count } of [...sketch(a), ...sketch(b)]) merged.set(bin, (merged.get(bin) ?? 0) + count);
    const whole = new Map(sketch(cases.uniform01).map(({ bin, count }) => [bin, count]));
    expect(merged).toEqual(whole);
  });

  it('a single value is exact (clamped to min/max)', () => {
    expect(quantiles(sketch([640, 640, 640]), [0.05, 0.5, 0.95], 640, 640)).toEqual([640, 640, 640]);
  });
});
