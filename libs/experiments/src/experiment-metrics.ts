import { Counter, type Registry } from 'prom-client';

export const EVENT_SOURCES = ['api', 'import'] as const;
export const EVENT_OUTCOMES = ['accepted', 'duplicate', 'rejected'] as const;

/** `assay_experiment_events_total{source, outcome}`: registered by ingest (api) and the aggregator (import). */
export function createExperimentEventsCounter(registry: Registry): Counter<'source' | 'outcome'> {
  const counter = new Counter({
    name: 'assay_experiment_events_total',
    help: 'Experiment events received, by source (api, import) and outcome (accepted, duplicate: an event id seen before, rejected).',
    labelNames: ['source', 'outcome'],
    registers: [registry],
  });
  for (const source of EVENT_SOURCES) for (const outcome of EVENT_OUTCOMES) counter.inc({ source, outcome }, 0);
  return counter;
}
