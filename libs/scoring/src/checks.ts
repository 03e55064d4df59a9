import type { Checks } from '@assay/contracts';
import type { ResolvedThreshold } from './registry.js';

/** Applies a suite's thresholds to one asset's scores: pass unless a present score is out of bounds. */
export function applyThresholds(thresholds: ResolvedThreshold[], scores: Record<string, number>): Checks | undefined {
  if (!thresholds.length) return undefined;
  const passed: string[] = [];
  const failures: Checks['failures'] = [];
  const skipped: string[] = [];
  for (const t of thresholds) {
    const value = scores[t.score];
    if (value === undefined) skipped.push(t.score);
    else if ((t.min !== undefined && value < t.min) || (t.max !== undefined && value > t.max))
      failures.push({ score: t.score, value, min: t.min, max: t.max });
    else passed.push(t.score);
  }
  const safety = thresholds.filter((t) => t.safety).map((t) => t.score);
  return { pass: failures.length === 0, passed, failures, skipped, ...(safety.length ? { safety } : {}) };
}
