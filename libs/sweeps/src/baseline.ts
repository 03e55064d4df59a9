/** What a sweep's `baseline` says to compare against. */
export type Baseline =
  | { kind: 'previous' }
  | { kind: 'run'; runId: string }
  /** a reference set (e.g. a curated golden set): compared with the closed run it was made from */
  | { kind: 'reference-set'; name: string };

export function parseBaseline(spec: string): Baseline {
  if (spec === 'previous') return { kind: 'previous' };
  if (spec.startsWith('reference-set:')) return { kind: 'reference-set', name: spec.slice('reference-set:'.length) };
  return { kind: 'run', runId: spec };
}

/** What a baseline may need looked up: the last successful run of the sweep, and a reference set's run. */
export interface BaselineFacts {
  lastSuccessRunId: string | undefined;
  /** the run a reference set was made from (the caller reads the set; `reference_set_not_found` if it is gone) */
  referenceSetRunId: (name: string) => Promise<string>;
}

/**
 * The run to compare a sweep run with: the last successful run of the sweep (none on its first night), the
 * pinned run, or the run a reference set was kept from (so the comparison's distribution section measures the
 * night's outputs against that set's embeddings). Each new kind gets its case here; the compiler points at it.
 */
export async function baselineRunId(baseline: Baseline, facts: BaselineFacts): Promise<string | undefined> {
  switch (baseline.kind) {
    case 'previous':
      return facts.lastSuccessRunId;
    case 'run':
      return baseline.runId;
    case 'reference-set':
      return facts.referenceSetRunId(baseline.name);
  }
}
