import type { LatencyComparison, ResultRecord } from '@assay/contracts';

export const LATENCY_QUANTILES = [0.5, 0.95, 0.99] as const;
type Source = LatencyComparison['source'];

/**
 * `generation`: the caller's `attributes.generationLatencyMs` (how long the model took to make the asset);
 * `scoring`: Assay's own time for the asset (`timings.totalMs`), reported apart.
 */
export function latencies(record: ResultRecord): Partial<Record<Source, number>> {
  const out: Partial<Record<Source, number>> = {};
  const generation = record.attributes?.generationLatencyMs;
  if (typeof generation === 'number' && Number.isFinite(generation) && generation >= 0) out.generation = generation;
  if (record.status === 'completed' && record.timings) out.scoring = record.timings.totalMs;
  return out;
}
