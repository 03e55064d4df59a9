import { collectDefaultMetrics, Registry, type Counter } from 'prom-client';

/**
 * prom-client's gauges that end in `_total`, which Prometheus reserves for counters (`promtool check metrics`
 * refuses them); their per-type siblings (`nodejs_active_handles` etc.) carry the same numbers.
 */
const GAUGES_NAMED_LIKE_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * One registry per service process, with Node's process metrics and a `component` label on everything (not
 * `service`, `job` or `pod`: Prometheus' own target labels would rename it to `exported_…`).
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ component: service });
  collectDefaultMetrics({ register: registry });
  for (const name of GAUGES_NAMED_LIKE_COUNTERS) registry.removeSingleMetric(name);
  return registry;
}

/** Buckets in seconds for work from a millisecond to a couple of minutes. */
export const DURATION_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * Creates every series of a counter for the label values known up front, at 0: a dashboard or a `rate()`
 * then shows 0 instead of "No data" before the first event, and the first event counts as an increase.
 */
export function zeroSeries<L extends string>(counter: Counter<L>, space: Record<L, readonly string[]>): void {
  const keys = Object.keys(space) as L[];
  const walk = (i: number, labels: Partial<Record<L, string>>): void => {
    if (i === keys.length) return void counter.inc(labels as Record<L, string>, 0);
    for (const value of space[keys[i]]) walk(i + 1, { ...labels, [keys[i]]: value });
  };
  walk(0, {});
}
