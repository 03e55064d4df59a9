import type { ComparisonSettings, Estimate, Proportion } from '@assay/contracts';
import { newcombeDiffInterval, newcombePairedDiffInterval, wilsonInterval } from '@assay/stats';
import { alphaOf, estimate, interval } from './estimates.js';
import { countHits, pairedTable, type Outcomes } from './outcomes.js';

export function proportion(o: Outcomes | undefined, settings: Pick<ComparisonSettings, 'level' | 'gateLevel'>): Proportion {
  const n = o?.hits.length ?? 0;
  const count = o ? countHits(o) : 0;
  const at = (level: number) => (n ? interval(...wilsonInterval(count, n, alphaOf(level))) : interval(null, null));
  return { count, n, rate: n ? count / n : null, ci: at(settings.level), gateCi: at(settings.gateLevel) };
}

/**
 * candidate − baseline rate: Newcombe's hybrid score interval for independent samples, or, when the runs
 * pair, Newcombe's score interval for paired proportions on the matched pairs' 2×2 table.
 */
export function rateDifference(
  b: Outcomes | undefined,
  c: Outcomes | undefined,
  settings: Pick<ComparisonSettings, 'level' | 'gateLevel'>,
  pairs: ReadonlyMap<number, number> | undefined,
): { paired: boolean; difference: Estimate } {
  if (!b?.hits.length || !c?.hits.length)
    return { paired: false, difference: { value: null, ci: [null, null], method: 'newcombe_hybrid_score' } };
  if (pairs) {
    const [both, bOnly, cOnly, neither] = pairedTable(b, c, pairs);
    const n = both + bOnly + cOnly + neither;
    if (n > 0) {
      return {
        paired: true,
        difference: estimate(
          (cOnly - bOnly) / n,
          'newcombe_paired',
          (alpha) => newcombePairedDiffInterval(both, cOnly, bOnly, neither, alpha),
          settings,
        ),
      };
    }
  }
  const [xb, nb, xc, nc] = [countHits(b), b.hits.length, countHits(c), c.hits.length];
  return {
    paired: false,
    difference: estimate(xc / nc - xb / nb, 'newcombe_hybrid_score', (alpha) => newcombeDiffInterval(xb, nb, xc, nc, alpha), settings),
  };
}
