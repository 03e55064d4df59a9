import {
  AssayError,
  ErrorCode,
  JobName,
  QueueName,
  RunObjects,
  compareJobId,
  newComparisonId,
  type ComparisonRecord,
  type CreateComparisonRequest,
  type FieldIssue,
  type Modality,
  type RunRecord,
  type RunSummary,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import type { MetricCatalog } from '@assay/metric-catalog';
import type { Logger } from '@assay/observability';
import { PolicyFile, policyProblems, type PolicyCatalog, type PolicyDefinition } from '@assay/policies';
import type { QueueSet } from '@assay/queue';
import type { ComparisonStore, RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import type { SuiteCatalog } from '@assay/suites';

export const DEFAULT_SEED = 1;
export const DEFAULT_RESAMPLES = 10_000;

export interface ComparisonRequestsDeps {
  config: Pick<AssayConfig, 's3'>;
  runs: RunStore;
  comparisons: ComparisonStore;
  queues: QueueSet;
  store: ObjectStore;
  suites: SuiteCatalog;
  policies: PolicyCatalog;
  catalog: MetricCatalog;
  logger: Logger;
}

/** Who asked for a comparison besides a client of the API: a sweep run, named in the verdict webhook. */
export type ComparisonOrigin = ComparisonRecord['sweep'];

/** Accepting a comparison of two closed runs: every check that can be made before the work is queued. */
export class ComparisonRequests {
  constructor(private readonly deps: ComparisonRequestsDeps) {}

  /**
   * Both runs exist and are closed, differ, score one modality with some score in common, have completed
   * assets, and the policy exists (or, inline, is valid) for that modality; each refusal has its own code.
   * With `id` (chosen by a caller that must survive a crash) a comparison already stored under it is queued
   * again (deduped by its job id) instead of being made twice.
   */
  async create(req: CreateComparisonRequest, requestId: string, id?: string, origin?: ComparisonOrigin): Promise<ComparisonRecord> {
    const { runs, comparisons, logger } = this.deps;
    const stored = id ? await comparisons.get(id) : undefined;
    if (stored) {
      await this.queue(stored.record);
      return stored.record;
    }
    if (req.baselineRunId === req.candidateRunId)
      throw new AssayError(ErrorCode.RunsNotComparable, 'baseline and candidate are the same run', [
        { path: 'candidateRunId', message: 'must differ from baselineRunId' },
      ]);
    const [baseline, candidate] = await Promise.all([
      this.closedRun(req.baselineRunId, 'baselineRunId'),
      this.closedRun(req.candidateRunId, 'candidateRunId'),
    ]);
    const modality = this.modalityOf(baseline, 'baselineRunId');
    if (this.modalityOf(candidate, 'candidateRunId') !== modality)
      throw new AssayError(
        ErrorCode.RunsNotComparable,
        `the baseline scores ${modality}, the candidate ${this.modalityOf(candidate, 'candidateRunId')}`,
      );
    const policy = this.policyFor(req.policy, modality);
    for (const [run, path] of [
      [baseline, 'baselineRunId'],
      [candidate, 'candidateRunId'],
    ] as const) {
      if ((await runs.counts(run.id)).completed === 0)
        throw new AssayError(ErrorCode.EmptyRun, `run ${run.id} has no completed asset: there is nothing to compare`, [
          { path, message: 'no completed asset' },
        ]);
    }
    await this.requireSharedScores(baseline, candidate);

    const record: ComparisonRecord = {
      id: id ?? newComparisonId(),
      baselineRunId: baseline.id,
      candidateRunId: candidate.id,
      modality,
      policy: policy.name,
      ...(typeof req.policy === 'object' ? { inlinePolicy: req.policy } : {}),
      slices: [...new Set([...policy.slices, ...(req.slices ?? [])])],
      seed: req.seed ?? DEFAULT_SEED,
      resamples: req.resamples ?? DEFAULT_RESAMPLES,
      createdAt: new Date().toISOString(),
      requestId,
      ...(origin ? { sweep: origin } : {}),
    };
    await comparisons.create(record);
    await this.queue(record);
    logger.info(
      { requestId, comparisonId: record.id, baseline: baseline.id, candidate: candidate.id, policy: policy.name },
      'comparison queued',
    );
    return record;
  }

  private async queue(record: ComparisonRecord): Promise<void> {
    await this.deps.queues.add(
      QueueName.Analysis,
      JobName.CompareRuns,
      { comparisonId: record.id, requestId: record.requestId },
      { jobId: compareJobId(record.id) },
    );
  }

  private async closedRun(id: string, path: string): Promise<RunRecord> {
    const run = await this.deps.runs.get(id);
    if (!run) throw new AssayError(ErrorCode.RunNotFound, `no run ${id}`, [{ path, message: 'no such run' }]);
    if (run.status !== 'closed')
      throw new AssayError(ErrorCode.RunNotClosed, `run ${id} is ${run.status}: close it and wait until it is closed`, [
        { path, message: `run is ${run.status}` },
      ]);
    return run;
  }

  private modalityOf(run: RunRecord, path: string): Modality {
    const suite = this.deps.suites.get(run.suite);
    if (!suite)
      throw new AssayError(ErrorCode.RunsNotComparable, `run ${run.id}'s suite ${run.suite} is no longer known`, [
        { path, message: 'unknown suite' },
      ]);
    return suite.modality;
  }

  /** A named policy, or an inline one checked like a policy file (its problems name the field under `policy`). */
  private policyFor(requested: CreateComparisonRequest['policy'], modality: string): PolicyDefinition {
    let policy: PolicyDefinition | undefined;
    if (typeof requested === 'object') {
      const parsed = PolicyFile.safeParse(requested);
      const details: FieldIssue[] = parsed.success
        ? policyProblems({ ...parsed.data, source: 'inline' }, this.deps.catalog).map((p) => ({
            path: `policy.${p.path}`,
            message: p.message,
          }))
        : parsed.error.issues.map((i) => ({ path: ['policy', ...i.path].join('.'), message: i.message }));
      if (details.length)
        throw new AssayError(
          ErrorCode.PolicyInvalid,
          `the inline policy is not valid: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
          details,
        );
      policy = { ...parsed.data!, source: 'inline' };
    } else {
      const name = requested ?? `${modality}-launch`;
      policy = this.deps.policies.get(name);
      if (!policy)
        throw new AssayError(ErrorCode.UnknownPolicy, `no policy ${name}; GET /v1/policies lists them`, [
          { path: 'policy', message: 'unknown policy' },
        ]);
    }
    if (policy.modality !== modality)
      throw new AssayError(ErrorCode.RunsNotComparable, `policy ${policy.name} is for ${policy.modality}; the runs score ${modality}`, [
        { path: 'policy', message: `a ${policy.modality} policy` },
      ]);
    return policy;
  }

  /** From the runs' final summaries: at least one score both have (the job checks again on the records). */
  private async requireSharedScores(baseline: RunRecord, candidate: RunRecord): Promise<void> {
    const scores = async (run: RunRecord) => {
      const bytes = await this.deps.store
        .get({ bucket: this.deps.config.s3.bucket, key: RunObjects.summary(run.id) })
        .catch(() => undefined);
      if (!bytes) return undefined;
      try {
        return Object.keys((JSON.parse(Buffer.from(bytes).toString('utf8')) as RunSummary).scores);
      } catch {
        return undefined;
      }
    };
    const [b, c] = await Promise.all([scores(baseline), scores(candidate)]);
    if (!b || !c) return;
    if (!b.some((s) => c.includes(s)))
      throw new AssayError(
        ErrorCode.NoSharedScores,
        `the runs share no score (baseline suite ${baseline.suite}, candidate suite ${candidate.suite}): there is nothing to compare`,
      );
  }
}
