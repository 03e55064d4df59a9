import { AssayError, ErrorCode, type ComparisonSettings, type ResultRecord } from '@assay/contracts';
import { PairingCollector } from './pairing.js';
import type { RecordAt, RunMetricContext, RunMetricDefinition, Side } from './run-metric.js';

/** One stretch of a run's records in stream order, as one side of the computation. */
export interface RecordSource {
  side: Side;
  records: AsyncIterable<{ offset: number; record: ResultRecord; embeddings?: ReadonlyMap<string, Float32Array> }>;
}

/** Whether any of the metrics reads the records' stored embeddings. */
export const needsEmbeddings = (metrics: readonly RunMetricDefinition[]): boolean => metrics.some((m) => m.inputs?.includes('embeddings'));

/** The states of several metrics over some records, and the pairing keys seen with them. */
export interface Accumulated {
  states: Map<string, unknown>;
  pairing: PairingCollector;
  records: number;
}

/** Folds a stretch of records into fresh states of every metric (and the pairing keys). */
export async function accumulate(
  metrics: readonly RunMetricDefinition[],
  settings: ComparisonSettings,
  source: RecordSource,
): Promise<Accumulated> {
  const states = new Map(metrics.map((m) => [m.name, m.init(settings)]));
  const pairing = new PairingCollector();
  let records = 0;
  for await (const { offset, record, embeddings } of source.records) {
    const at: RecordAt = { side: source.side, offset, ...(embeddings ? { embeddings } : {}) };
    for (const m of metrics) m.update(states.get(m.name), record, at);
    pairing.update(record, at);
    records++;
  }
  return { states, pairing, records };
}

/**
 * Folds accumulations of consecutive stretches (and of the two sides) into the first, in the order given:
 * torchmetrics' state sync. Stretches read concurrently combine into exactly what one pass would give.
 */
export function mergeAll(metrics: readonly RunMetricDefinition[], parts: Accumulated[]): Accumulated {
  const [first, ...rest] = parts;
  for (const later of rest) {
    for (const m of metrics) m.merge(first.states.get(m.name), later.states.get(m.name));
    first.pairing.merge(later.pairing);
    first.records += later.records;
  }
  return first;
}

/** Each metric's result, checked against its schema: a metric that answers outside it is a bug, not data. */
export function computeAll(
  metrics: readonly RunMetricDefinition[],
  states: Map<string, unknown>,
  ctx: RunMetricContext,
): Map<string, Record<string, unknown>> {
  const results = new Map<string, Record<string, unknown>>();
  for (const m of metrics) {
    const parsed = m.result.safeParse(m.compute(states.get(m.name), ctx));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new AssayError(ErrorCode.Internal, `run-level metric ${m.name} ${m.version} produced a result outside its schema: ${issues}`);
    }
    results.set(m.name, parsed.data);
  }
  return results;
}
