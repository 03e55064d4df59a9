import { AssayError, ComparisonObjects, ComparisonResult, ErrorCode, type ComparisonRecord, type RunRef } from '@assay/contracts';
import type { MetricCatalog } from '@assay/metric-catalog';
import { evaluatePolicy, type ComparisonSections, type PolicyDefinition } from '@assay/policies';
import { computeAll, type RunMetricRegistry } from '@assay/run-metrics';
import type { ObjectStore } from '@assay/storage';
import { readRuns, READ_STRETCHES } from './read-runs.js';
import { comparisonSettings } from './settings.js';

/** What the analysis reads and writes with. */
export interface AnalysisEnv {
  store: ObjectStore;
  bucket: string;
  registry: RunMetricRegistry;
  catalog: MetricCatalog;
  assayVersion: string;
}

/** One comparison to compute, resolved by whoever queued it: the request, the policy, the two closed runs. */
export interface ComparisonTask {
  record: ComparisonRecord;
  policy: PolicyDefinition;
  baseline: RunRef;
  candidate: RunRef;
}

export type Sections = Omit<ComparisonSections, 'baseline' | 'candidate' | 'settings'>;
const SECTION_KEYS = [
  'scores',
  'excludedScores',
  'passRates',
  'safety',
  'latency',
  'slices',
  'distribution',
] as const satisfies readonly (keyof Sections)[];

/**
 * Each comparison-scope run-level metric contributes sections of the result (its result's keys name them);
 * a key that is not a section is a metric bug.
 */
export function comparisonSections(results: Map<string, Record<string, unknown>>): Sections {
  const sections: Sections = { scores: [], excludedScores: [], passRates: [], safety: [], latency: [], slices: [], distribution: [] };
  for (const [name, result] of results)
    for (const [key, value] of Object.entries(result)) {
      if (!(SECTION_KEYS as readonly string[]).includes(key))
        throw new AssayError(ErrorCode.Internal, `run-level metric ${name} returned ${key}, which is not a section of a comparison`);
      (sections[key as keyof Sections] as unknown[]).push(...(value as unknown[]));
    }
  return sections;
}

/**
 * Compares a candidate run with a baseline run: both result streams are read once (in concurrent stretches),
 * folded into every comparison-scope run-level metric, the assets paired, the sections computed and the policy
 * judged. The same runs, policy and seed give the same result.
 */
export async function compareRuns(env: AnalysisEnv, task: ComparisonTask, stretches = READ_STRETCHES): Promise<ComparisonResult> {
  const { record, policy, baseline, candidate } = task;
  const settings = comparisonSettings(policy, record);
  const metrics = env.registry.ofScope('comparison');
  const acc = await readRuns(
    env.store,
    env.bucket,
    metrics,
    settings,
    [
      { side: 'baseline', runId: baseline.runId, counts: baseline },
      { side: 'candidate', runId: candidate.runId, counts: candidate },
    ],
    stretches,
  );
  const pairing = acc.pairing.compute();
  const sections = comparisonSections(computeAll(metrics, acc.states, { catalog: env.catalog, settings, pairing }));
  if (!sections.scores.length) {
    const why = sections.excludedScores.map((e) => `${e.score}: ${e.reason}`).join('; ');
    throw new AssayError(ErrorCode.NoSharedScores, `the runs share no comparable score${why ? ` (${why})` : ''}`);
  }
  const verdict = evaluatePolicy(policy, { baseline, candidate, settings, ...sections });
  return ComparisonResult.parse({
    schemaVersion: 1,
    id: record.id,
    createdAt: record.createdAt,
    finishedAt: new Date().toISOString(),
    assayVersion: env.assayVersion,
    baseline,
    candidate,
    settings,
    pairing: pairing.summary,
    ...sections,
    verdict: { policy: { name: policy.name, description: policy.description, source: policy.source }, ...verdict },
    runMetrics: metrics.map((m) => ({ name: m.name, version: m.version })),
  });
}

/** The result and its HTML report, report first: a reader who finds comparison.json finds the report too. */
export async function storeComparison(env: Pick<AnalysisEnv, 'store' | 'bucket'>, result: ComparisonResult, html: string): Promise<void> {
  await env.store.put({ bucket: env.bucket, key: ComparisonObjects.report(result.id) }, html, 'text/html; charset=utf-8');
  await env.store.put(
    { bucket: env.bucket, key: ComparisonObjects.result(result.id) },
    JSON.stringify(result, null, 2),
    'application/json',
  );
}
