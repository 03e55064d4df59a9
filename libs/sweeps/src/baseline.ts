import { AssayError, ErrorCode } from '@assay/contracts';

/** What a sweep's `baseline` says to compare against. */
export type Baseline =
  | { kind: 'previous' }
  | { kind: 'run'; runId: string }
  /** a curated baseline set (being built): accepted in files, refused when a run needs it */
  | { kind: 'reference-set'; name: string };

export function parseBaseline(spec: string): Baseline {
  if (spec === 'previous') return { kind: 'previous' };
  if (spec.startsWith('reference-set:')) return { kind: 'reference-set', name: spec.slice('reference-set:'.length) };
  return { kind: 'run', runId: spec };
}

/**
 * The run to compare a sweep run with: the last successful run of the sweep (none on its first night), or the
 * pinned run. Each new kind gets its case here; the compiler points at it.
 */
export function baselineRunId(baseline: Baseline, lastSuccessRunId: string | undefined): string | undefined {
  switch (baseline.kind) {
    case 'previous':
      return lastSuccessRunId;
    case 'run':
      return baseline.runId;
    case 'reference-set':
      throw new AssayError(
        ErrorCode.SweepBaselineUnsupported,
        `baseline reference-set:${baseline.name}: reference sets are not available yet; use previous or a run id`,
      );
  }
}
