import type { ResultRecord } from '@assay/contracts';
import { addOutcome, type Outcomes } from './outcomes.js';

/** Per safety check the asset was checked by: flagged when it failed it. */
export function addSafety(into: Record<string, Outcomes>, record: ResultRecord, offset: number): void {
  const checks = record.status === 'completed' ? record.checks : undefined;
  if (!checks?.safety?.length) return;
  const failed = new Set(checks.failures.map((f) => f.score));
  const passed = new Set(checks.passed);
  for (const score of checks.safety) if (failed.has(score) || passed.has(score)) addOutcome(into, score, offset, failed.has(score));
}
