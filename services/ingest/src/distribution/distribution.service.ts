import { createRequire } from 'node:module';
import { Inject, Injectable } from '@nestjs/common';
import {
  AssayError,
  CreateReferenceSetRequest,
  ErrorCode,
  parseOrThrow,
  RunObjects,
  type ReferenceSet,
  type RunDistributionView,
  type RunMetricsReport,
  type RunRecord,
  type SetDistances,
} from '@assay/contracts';
import { createReferenceSet, listReferenceSets, readReferenceSet, runEmbeddingSets, runInThread } from '@assay/analysis';
import type { AssayConfig } from '@assay/config';
import type { Logger } from '@assay/observability';
import type { RunStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import { CONFIG, LOGGER, OBJECT_STORE, RUN_STORE } from '../tokens.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** KID's subsets are drawn with this seed unless the request names one: the same request gives the same numbers. */
export const DEFAULT_DISTRIBUTION_SEED = 1;

/**
 * Reference sets and runs measured against them. Everything is computed from what the post-close job stored
 * (moments and samples per feature extractor), never from the embeddings again; a measurement runs in a
 * worker thread (seconds of linear algebra at 1280 dimensions must not hold the API's event loop) and is kept
 * in S3, since both sides are immutable.
 */
@Injectable()
export class DistributionService {
  constructor(
    @Inject(CONFIG) private readonly config: AssayConfig,
    @Inject(RUN_STORE) private readonly runs: RunStore,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private get env() {
    return { store: this.store, bucket: this.config.s3.bucket };
  }

  /** A closed run's run-level metrics report: refused with its own code while the run is open or they are pending. */
  private async closedReport(runId: string, path = 'runId'): Promise<{ run: RunRecord; report: RunMetricsReport }> {
    const run = await this.runs.get(runId);
    if (!run) throw new AssayError(ErrorCode.RunNotFound, `run ${runId} does not exist`, [{ path, message: 'no such run' }]);
    if (run.status !== 'closed') throw new AssayError(ErrorCode.RunNotClosed, `run ${runId} is ${run.status}; close it first`);
    const state = await this.runs.runMetricsState(runId);
    if (state?.status !== 'done')
      throw new AssayError(
        ErrorCode.RunMetricsPending,
        `the run-level metrics of run ${runId} are ${state?.status ?? 'pending'}; retry shortly`,
      );
    const bytes = await this.store.get({ bucket: this.config.s3.bucket, key: RunObjects.runMetrics(runId) });
    return { run, report: JSON.parse(Buffer.from(bytes).toString('utf8')) as RunMetricsReport };
  }

  async createReferenceSet(body: unknown, requestId: string): Promise<ReferenceSet> {
    const req = parseOrThrow(CreateReferenceSetRequest, body);
    const { run, report } = await this.closedReport(req.runId);
    const set = await createReferenceSet(this.env, req, run, report);
    this.logger.info({ requestId, referenceSet: set.name, runId: run.id, sets: set.sets.length }, 'reference set created');
    return set;
  }

  list(): Promise<ReferenceSet[]> {
    return listReferenceSets(this.env);
  }

  one(name: string): Promise<ReferenceSet> {
    return readReferenceSet(this.env, name);
  }

  async runDistribution(runId: string, referenceName?: string, seed = DEFAULT_DISTRIBUTION_SEED): Promise<RunDistributionView> {
    const { report } = await this.closedReport(runId);
    const sets = runEmbeddingSets(report);
    if (!referenceName) return { runId, sets };
    const reference = await readReferenceSet(this.env, referenceName);
    const key = { bucket: this.config.s3.bucket, key: RunObjects.distance(runId, reference.name, seed) };
    const kept = await this.store.get(key).catch(() => undefined);
    let distances = kept && (JSON.parse(Buffer.from(kept).toString('utf8')) as SetDistances[]);
    if (!distances) {
      const job = { kind: 'distance' as const, runId, runSets: sets, reference, seed };
      distances = await runInThread<SetDistances[]>({ s3: this.config.s3, bucket: this.config.s3.bucket, assayVersion: version, job });
      await this.store.put(key, JSON.stringify(distances), 'application/json');
    }
    return { runId, sets, reference: { name: reference.name, seed, distances } };
  }
}
