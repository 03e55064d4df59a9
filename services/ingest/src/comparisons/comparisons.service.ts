import { Inject, Injectable } from '@nestjs/common';
import {
  AssayError,
  ComparisonObjects,
  CreateComparisonRequest,
  ErrorCode,
  JobName,
  QueueName,
  RunObjects,
  compareJobId,
  newComparisonId,
  parseOrThrow,
  toS3Uri,
  type ComparisonRecord,
  type ComparisonResult,
  type ComparisonView,
  type FieldIssue,
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
import { CONFIG, COMPARISONS, LOGGER, METRIC_CATALOG, OBJECT_STORE, POLICIES, QUEUES, RUN_STORE, SUITES } from '../tokens.js';

export const DEFAULT_SEED = 1;
export const DEFAULT_RESAMPLES = 10_000;

/** Comparisons of two closed runs: checked when asked for, computed by the aggregator, read back from S3. */
@Injectable()
export class ComparisonsService {
  constructor(
    @Inject(CONFIG) private readonly config: AssayConfig,
    @Inject(RUN_STORE) private readonly runs: RunStore,
    @Inject(COMPARISONS) private readonly comparisons: ComparisonStore,
    @Inject(QUEUES) private readonly queues: QueueSet,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(SUITES) private readonly suites: SuiteCatalog,
    @Inject(POLICIES) private readonly policies: PolicyCatalog,
    @Inject(METRIC_CATALOG) private readonly catalog: MetricCatalog,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Everything that can be checked before the work is queued is checked here, with its own code: both runs
   * exist and are closed, differ, score one modality with some score in common, have completed assets, and
   * the policy exists (or, inline, is valid) for that modality.
   */
  async create(body: unknown, requestId: string): Promise<ComparisonView> {
    const req = parseOrThrow(CreateComparisonRequest, body);
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
      if ((await this.runs.counts(run.id)).completed === 0)
        throw new AssayError(ErrorCode.EmptyRun, `run ${run.id} has no completed asset: there is nothing to compare`, [
          { path, message: 'no completed asset' },
        ]);
    }
    await this.requireSharedScores(baseline, candidate);

    const record: ComparisonRecord = {
      id: newComparisonId(),
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
    };
    await this.comparisons.create(record);
    await this.queues.add(
      QueueName.Analysis,
      JobName.CompareRuns,
      { comparisonId: record.id, requestId },
      { jobId: compareJobId(record.id) },
    );
    this.logger.info(
      { requestId, comparisonId: record.id, baseline: baseline.id, candidate: candidate.id, policy: policy.name },
      'comparison queued',
    );
    return this.view(record.id);
  }

  /** The comparison's state; once done, its verdict and whole result. */
  async view(id: string): Promise<ComparisonView> {
    const state = await this.comparisons.get(id);
    if (!state) throw new AssayError(ErrorCode.ComparisonNotFound, `no comparison ${id}`);
    const { record } = state;
    const bucket = this.config.s3.bucket;
    const view: ComparisonView = {
      id: record.id,
      status: state.status,
      baselineRunId: record.baselineRunId,
      candidateRunId: record.candidateRunId,
      policy: record.policy,
      slices: record.slices,
      seed: record.seed,
      resamples: record.resamples,
      createdAt: record.createdAt,
      ...(state.startedAt ? { startedAt: state.startedAt } : {}),
      ...(state.finishedAt ? { finishedAt: state.finishedAt } : {}),
      ...(state.error ? { error: state.error } : {}),
      ...(state.verdict ? { verdict: state.verdict } : {}),
    };
    if (state.status !== 'done') return view;
    const bytes = await this.store.get({ bucket, key: ComparisonObjects.result(id) });
    return {
      ...view,
      resultUri: toS3Uri({ bucket, key: ComparisonObjects.result(id) }),
      reportUri: toS3Uri({ bucket, key: ComparisonObjects.report(id) }),
      result: JSON.parse(Buffer.from(bytes).toString('utf8')) as ComparisonResult,
    };
  }

  /** The HTML report of a finished comparison. */
  async report(id: string): Promise<Buffer> {
    const state = await this.comparisons.get(id);
    if (!state) throw new AssayError(ErrorCode.ComparisonNotFound, `no comparison ${id}`);
    if (state.status !== 'done')
      throw new AssayError(ErrorCode.ComparisonNotReady, `comparison ${id} is ${state.status}; its report exists once it is done`);
    return Buffer.from(await this.store.get({ bucket: this.config.s3.bucket, key: ComparisonObjects.report(id) }));
  }

  private async closedRun(id: string, path: string): Promise<RunRecord> {
    const run = await this.runs.get(id);
    if (!run) throw new AssayError(ErrorCode.RunNotFound, `no run ${id}`, [{ path, message: 'no such run' }]);
    if (run.status !== 'closed')
      throw new AssayError(ErrorCode.RunNotClosed, `run ${id} is ${run.status}: close it and wait until it is closed`, [
        { path, message: `run is ${run.status}` },
      ]);
    return run;
  }

  private modalityOf(run: RunRecord, path: string) {
    const suite = this.suites.get(run.suite);
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
        ? policyProblems({ ...parsed.data, source: 'inline' }, this.catalog).map((p) => ({ path: `policy.${p.path}`, message: p.message }))
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
      policy = this.policies.get(name);
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
      const bytes = await this.store.get({ bucket: this.config.s3.bucket, key: RunObjects.summary(run.id) }).catch(() => undefined);
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
