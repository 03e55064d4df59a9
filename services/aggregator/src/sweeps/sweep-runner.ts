import {
  AssayError,
  ComparisonObjects,
  type ComparisonResult,
  type SetDistances,
  ErrorCode,
  parseS3Uri,
  SweepObjects,
  toS3Uri,
  type AdvanceSweepPayload,
  type FailureReason,
  type SweepOutcome,
  type SweepRunRecord,
} from '@assay/contracts';
import type { ComparisonRequests, RunIntake } from '@assay/intake';
import type { Logger } from '@assay/observability';
import type { ComparisonStore, RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import {
  baselineRunId,
  FACTS_BY_STATE,
  nextAction,
  parseBaseline,
  parseManifest,
  type SweepCatalog,
  type SweepDefinition,
  type SweepFacts,
  type SweepStore,
} from '@assay/sweeps';
import type { AggregatorMetrics } from '../aggregator-metrics.js';
import { readReferenceSet } from '@assay/analysis';
import { aggregatorFailure, type FailureRecorder } from '../failure-record.js';
import type { SweepMetrics } from './sweep-metrics.js';

export interface SweepRunnerDeps {
  sweeps: SweepCatalog;
  store: SweepStore;
  runs: RunStore;
  comparisons: ComparisonStore;
  intake: RunIntake;
  comparisonRequests: ComparisonRequests;
  objects: ObjectStore;
  bucket: string;
  failures: FailureRecorder;
  metrics: SweepMetrics;
  aggregatorMetrics: AggregatorMetrics;
  version: string;
}

/** Assets per submission: the API's batch limit. */
const SUBMIT_BATCH = 500;
/** Steps taken in one go before the job yields (each state takes one or two; a bound keeps a bug from spinning). */
const MAX_STEPS = 12;
/** Codes that say something is down rather than wrong: the job is retried instead of the sweep failing. */
const TRANSIENT = new Set<string>([ErrorCode.StorageUnavailable, ErrorCode.RedisUnavailable, ErrorCode.Internal]);

/** What one `advance-sweep` job ended with: the sweep run is over, or it waits and the job comes back later. */
export type StepResult = 'finished' | 'wait';

/**
 * Executes the sweep state machine (`nextAction` in @assay/sweeps) against the stores: the same run, asset and
 * comparison core as the API (`@assay/intake`), never a copy of it. Each step is saved before the next, and
 * every action is idempotent, so a job cut off anywhere is resumed by its retry without doing anything twice.
 */
export class SweepRunner {
  constructor(private readonly deps: SweepRunnerDeps) {}

  async advance(payload: AdvanceSweepPayload, log: Logger): Promise<StepResult> {
    let record = await this.deps.store.get(payload.sweep, payload.date);
    // a newer attempt replaced this one (a failed date triggered again): this job has nothing left to do
    if (!record || record.attempt !== payload.attempt) return 'finished';
    const sweep = this.deps.sweeps.get(record.sweep);
    try {
      if (!sweep) throw new AssayError(ErrorCode.SweepNotFound, `sweep ${record.sweep} is no longer configured`);
      for (let i = 0; i < MAX_STEPS; i++) {
        const action = nextAction(record, await this.facts(record));
        switch (action.kind) {
          case 'finished':
            return 'finished';
          case 'wait':
            return 'wait';
          case 'advance':
            record = await this.save({ ...record, state: action.to });
            break;
          case 'submit':
            record = await this.submit(record, sweep, log);
            break;
          case 'expire':
            record = await this.save({ ...record, timedOut: (record.timedOut ?? 0) + (await this.expire(record, log)), state: 'closing' });
            break;
          case 'close':
            await this.deps.intake.close(record.runId, sweepRequestId(record));
            if ((await this.deps.runs.get(record.runId))?.status !== 'closed') return 'wait';
            break;
          case 'compare':
            record = await this.compare(record, sweep, log);
            if (record.state === 'comparing') return 'wait';
            break;
          case 'publish':
            await this.publish(record, sweep, log);
            return 'finished';
          case 'fail':
            await this.fail(record, sweep, action.error, log);
            return 'finished';
        }
      }
      return 'wait';
    } catch (err) {
      if (!(err instanceof AssayError) || TRANSIENT.has(err.code)) throw err;
      await this.fail(record, sweep, { code: err.code, message: err.message }, log);
      return 'finished';
    }
  }

  /** The last attempt of a job failed on a fault that never cleared: the sweep run fails instead of hanging. */
  async failForGood(payload: AdvanceSweepPayload, error: FailureReason, log: Logger): Promise<void> {
    const record = await this.deps.store.get(payload.sweep, payload.date);
    if (!record || record.attempt !== payload.attempt || record.state === 'done' || record.state === 'failed') return;
    await this.fail(record, this.deps.sweeps.get(record.sweep), error, log);
  }

  private async facts(record: SweepRunRecord): Promise<SweepFacts> {
    const facts: SweepFacts = { now: Date.now() };
    for (const need of FACTS_BY_STATE[record.state]) {
      if (need === 'counts') facts.counts = await this.deps.runs.counts(record.runId);
      if (need === 'runStatus') facts.runStatus = (await this.deps.runs.get(record.runId))?.status;
      if (need === 'comparison') {
        const state = await this.deps.comparisons.get(record.comparisonId);
        if (state) facts.comparison = { status: state.status, ...(state.error ? { error: state.error } : {}) };
      }
    }
    return facts;
  }

  private async save(record: SweepRunRecord): Promise<SweepRunRecord> {
    if (!(await this.deps.store.save(record)))
      throw new AssayError(ErrorCode.Internal, `sweep ${record.sweep} ${record.date} attempt ${record.attempt} was replaced`);
    return record;
  }

  /**
   * Reads the manifest, creates the run under its chosen id (once) and submits the lines from `submitted` on. Lines
   * the run already has (a batch cut off by a crash) are left out, so they are neither queued nor counted again.
   */
  private async submit(record: SweepRunRecord, sweep: SweepDefinition, log: Logger): Promise<SweepRunRecord> {
    // a baseline that cannot be used (a reference set that is gone) fails the sweep before anything is scored
    await this.baseline(sweep, undefined);
    const { lines, modelVersion } = parseManifest(await this.readManifest(record.manifestUri), record.manifestUri);
    const requestId = sweepRequestId(record);
    if (!(await this.deps.runs.get(record.runId))) {
      await this.deps.intake.createRun(
        {
          name: `sweep-${sweep.name}`,
          modelVersion,
          suite: sweep.suite,
          labels: { ...sweep.labels, sweep: sweep.name, sweepDate: record.date },
        },
        requestId,
        record.runId,
      );
    }
    record = await this.save({ ...record, modelVersion, lines: lines.length, submitted: record.submitted ?? 0 });
    for (let from = record.submitted ?? 0; from < lines.length; from += SUBMIT_BATCH) {
      const batch = lines.slice(from, from + SUBMIT_BATCH).map(({ modelVersion: _version, ...asset }) => asset);
      const known = await this.deps.runs.existing(
        record.runId,
        batch.map((a) => a.assetId),
      );
      const fresh = batch.filter((a) => !known.has(a.assetId));
      if (fresh.length) await this.deps.intake.submit(record.runId, fresh, requestId);
      record = await this.save({ ...record, submitted: Math.min(from + SUBMIT_BATCH, lines.length) });
    }
    log.info({ sweep: record.sweep, date: record.date, runId: record.runId, assets: lines.length }, 'sweep manifest submitted');
    return this.save({ ...record, state: 'scoring' });
  }

  private async readManifest(uri: string): Promise<string> {
    const ref = parseS3Uri(uri)!;
    try {
      return Buffer.from(await this.deps.objects.get(ref)).toString('utf8');
    } catch (err) {
      if (err instanceof AssayError && err.code === ErrorCode.SourceNotFound)
        throw new AssayError(ErrorCode.SweepManifestMissing, `no manifest at ${uri} (the generation pipeline has not written it)`);
      throw err;
    }
  }

  /** The deadline passed: every asset without a result fails with `sweep_deadline_exceeded` (a late result is then ignored). */
  private async expire(record: SweepRunRecord, log: Logger): Promise<number> {
    const run = await this.deps.runs.get(record.runId);
    if (!run) return 0;
    let failed = 0;
    const message = `no result by the sweep's deadline ${record.deadline}`;
    for await (const page of this.deps.runs.unfinished(record.runId)) {
      for (const asset of page) {
        if (!(await this.deps.failures.record(aggregatorFailure(run, asset, ErrorCode.SweepDeadlineExceeded, message, this.deps.version))))
          continue;
        failed++;
        this.deps.aggregatorMetrics.failed.inc({ modality: asset.modality, reason: ErrorCode.SweepDeadlineExceeded });
      }
    }
    log.warn({ sweep: record.sweep, date: record.date, runId: record.runId, failed }, 'sweep deadline passed: unfinished assets failed');
    return failed;
  }

  /** The baseline run, and the comparison under the sweep's policy; without a baseline (a first night) the run is published alone. */
  private async compare(record: SweepRunRecord, sweep: SweepDefinition, log: Logger): Promise<SweepRunRecord> {
    // a run where nothing completed is no verdict and must never become the next night's baseline
    if ((await this.deps.runs.counts(record.runId)).completed === 0)
      throw new AssayError(ErrorCode.EmptyRun, `no asset of run ${record.runId} completed: there is nothing to judge`);
    const last = await this.deps.store.lastSuccess(sweep.name);
    const baseline = await this.baseline(sweep, last?.runId);
    if (!baseline || baseline === record.runId) {
      await this.publish(record, sweep, log);
      return { ...record, state: 'done' };
    }
    await this.deps.comparisonRequests.create(
      { baselineRunId: baseline, candidateRunId: record.runId, policy: sweep.policy },
      sweepRequestId(record),
      record.comparisonId,
      { name: sweep.name, date: record.date },
    );
    log.info({ sweep: record.sweep, date: record.date, baseline, comparisonId: record.comparisonId }, 'sweep comparison queued');
    return this.save({ ...record, baselineRunId: baseline });
  }

  private baseline(sweep: SweepDefinition, lastSuccessRunId: string | undefined): Promise<string | undefined> {
    const env = { store: this.deps.objects, bucket: this.deps.bucket };
    return baselineRunId(parseBaseline(sweep.baseline), {
      lastSuccessRunId,
      referenceSetRunId: async (name) => (await readReferenceSet(env, name)).runId,
    });
  }

  /** verdict.json (and the report's copy) first, then the record and the success: a crash in between rewrites the same objects. */
  private async publish(record: SweepRunRecord, sweep: SweepDefinition, log: Logger): Promise<void> {
    const { objects, bucket } = this.deps;
    const comparison = record.baselineRunId ? await this.deps.comparisons.get(record.comparisonId) : undefined;
    const verdict = comparison?.verdict;
    let distribution: SetDistances[] = [];
    if (comparison) {
      const report = await objects.get({ bucket, key: ComparisonObjects.report(record.comparisonId) });
      await objects.put({ bucket, key: SweepObjects.report(record.sweep, record.date) }, report, 'text/html; charset=utf-8');
      const result = await objects.get({ bucket, key: ComparisonObjects.result(record.comparisonId) });
      distribution = (JSON.parse(Buffer.from(result).toString('utf8')) as Pick<ComparisonResult, 'distribution'>).distribution ?? [];
    }
    const finished: SweepRunRecord = {
      ...record,
      state: 'done',
      counts: await this.deps.runs.counts(record.runId),
      ...(verdict ? { verdict } : {}),
      finishedAt: new Date().toISOString(),
    };
    await this.writeOutcome(finished, sweep, null, distribution);
    await this.save(finished);
    await this.deps.store.markSuccess(record.sweep, { date: record.date, runId: record.runId, verdict, finishedAt: finished.finishedAt! });
    this.deps.metrics.runs.inc({ sweep: record.sweep, outcome: verdict ?? 'no_baseline' });
    log.info({ sweep: record.sweep, date: record.date, runId: record.runId, verdict: verdict ?? null }, 'sweep published');
  }

  private async fail(record: SweepRunRecord, sweep: SweepDefinition | undefined, error: FailureReason, log: Logger): Promise<void> {
    const failed: SweepRunRecord = {
      ...record,
      state: 'failed',
      error,
      finishedAt: new Date().toISOString(),
      ...((await this.deps.runs.get(record.runId)) ? { counts: await this.deps.runs.counts(record.runId) } : {}),
    };
    await this.writeOutcome(failed, sweep, error).catch((err) => log.warn({ err }, 'could not write the failed sweep outcome'));
    await this.deps.store.save(failed);
    this.deps.metrics.runs.inc({ sweep: record.sweep, outcome: 'failed' });
    log.warn({ sweep: record.sweep, date: record.date, code: error.code, err: error.message }, 'sweep failed');
  }

  private async writeOutcome(
    record: SweepRunRecord,
    sweep: SweepDefinition | undefined,
    error: FailureReason | null,
    distribution: SetDistances[] = [],
  ): Promise<void> {
    const { bucket } = this.deps;
    const compared = record.state === 'done' && record.baselineRunId !== undefined;
    const outcome: SweepOutcome = {
      schemaVersion: 1,
      sweep: record.sweep,
      date: record.date,
      attempt: record.attempt,
      state: record.state === 'done' ? 'done' : 'failed',
      verdict: record.verdict ?? null,
      policy: sweep?.policy ?? '',
      ...(record.modelVersion ? { modelVersion: record.modelVersion } : {}),
      runId: record.runId,
      ...(record.counts ? { counts: record.counts } : {}),
      timedOut: record.timedOut ?? 0,
      baselineRunId: record.baselineRunId ?? null,
      comparisonId: compared ? record.comparisonId : null,
      resultUri: compared ? toS3Uri({ bucket, key: ComparisonObjects.result(record.comparisonId) }) : null,
      reportUri: compared ? toS3Uri({ bucket, key: SweepObjects.report(record.sweep, record.date) }) : null,
      distribution,
      error,
      startedAt: record.createdAt,
      finishedAt: record.finishedAt!,
    };
    await this.deps.objects.put(
      { bucket, key: SweepObjects.verdict(record.sweep, record.date) },
      JSON.stringify(outcome, null, 2),
      'application/json',
    );
  }
}

/** Logs and records of a sweep run's requests carry this id. */
const sweepRequestId = (r: SweepRunRecord) => `sweep.${r.sweep}.${r.date}.${r.attempt}`;
