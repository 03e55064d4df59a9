import { ErrorCode, type Censoring, type MetricOutcome } from '@assay/contracts';
import { InferenceError } from '@assay/inference';
import { MetricNotApplicable, type MetricContext, type MetricInput } from './metric.js';
import type { ResolvedMetric } from './registry.js';

export interface Evaluation {
  /** `metric.score` → finite value */
  scores: Record<string, number>;
  /** `metric.key` → fingerprint (e.g. `perceptual_hash.phash`); undefined when no metric returned one */
  fingerprints?: Record<string, string>;
  /** `metric.score` → which side of a floor or cap the value is censored on; undefined when none is */
  censored?: Record<string, Censoring>;
  outcomes: MetricOutcome[];
  metricsMs: number;
  inferenceMs: number;
}

export type MetricTimer = (metric: string, seconds: number) => void;

/**
 * Runs metrics one after another on an input of their modality (the suite was resolved for it). A metric
 * that does not apply, or that throws, is recorded on its own outcome and the others still run; only
 * inference failures (a dead runtime: transient) fail the job. Non-finite values never reach a result.
 */
export async function evaluate(
  metrics: ResolvedMetric[],
  input: MetricInput,
  ctx: MetricContext,
  onTiming?: MetricTimer,
): Promise<Evaluation> {
  const scores: Record<string, number> = {};
  const fingerprints: Record<string, string> = {};
  const censored: Record<string, Censoring> = {};
  const outcomes: MetricOutcome[] = [];
  let inferenceMs = 0;
  const begin = performance.now();
  for (const { def: metric, params } of metrics) {
    const start = performance.now();
    const base = { metric: metric.name, version: metric.version };
    try {
      const result = await metric.compute(input, ctx, params);
      const bad = Object.entries(result.scores).filter(([, v]) => !Number.isFinite(v));
      const prints = Object.entries(result.fingerprints ?? {});
      // an undeclared or empty fingerprint is a metric bug, reported like a non-finite score
      const badPrints = prints.filter(([k, v]) => !metric.fingerprints?.includes(k) || typeof v !== 'string' || !v);
      const badCensoring = Object.keys(result.censored ?? {}).filter((k) => !(k in result.scores));
      const durationMs = performance.now() - start;
      inferenceMs += result.inferenceMs ?? 0;
      if (bad.length) {
        outcomes.push({
          ...base,
          status: 'error',
          durationMs,
          reason: { code: ErrorCode.MetricError, message: `non-finite values for ${bad.map(([k]) => k).join(', ')}` },
        });
      } else if (badPrints.length) {
        outcomes.push({
          ...base,
          status: 'error',
          durationMs,
          reason: { code: ErrorCode.MetricError, message: `undeclared or empty fingerprints ${badPrints.map(([k]) => k).join(', ')}` },
        });
      } else if (badCensoring.length) {
        outcomes.push({
          ...base,
          status: 'error',
          durationMs,
          reason: { code: ErrorCode.MetricError, message: `censoring of scores it did not report: ${badCensoring.join(', ')}` },
        });
      } else {
        for (const [k, v] of Object.entries(result.scores)) scores[`${metric.name}.${k}`] = v;
        for (const [k, side] of Object.entries(result.censored ?? {})) censored[`${metric.name}.${k}`] = side;
        for (const [k, v] of prints) fingerprints[`${metric.name}.${k}`] = v;
        outcomes.push({ ...base, status: 'ok', durationMs, model: result.model, details: result.details });
      }
    } catch (err) {
      if (err instanceof InferenceError) throw err;
      const durationMs = performance.now() - start;
      if (err instanceof MetricNotApplicable) {
        outcomes.push({ ...base, status: 'not_applicable', durationMs, reason: { code: err.code, message: err.message } });
      } else {
        outcomes.push({ ...base, status: 'error', durationMs, reason: { code: ErrorCode.MetricError, message: (err as Error).message } });
      }
    }
    onTiming?.(metric.name, (performance.now() - start) / 1000);
  }
  return {
    scores,
    fingerprints: Object.keys(fingerprints).length ? fingerprints : undefined,
    censored: Object.keys(censored).length ? censored : undefined,
    outcomes,
    metricsMs: performance.now() - begin,
    inferenceMs,
  };
}
