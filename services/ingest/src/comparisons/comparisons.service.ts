import { Inject, Injectable } from '@nestjs/common';
import {
  AssayError,
  ComparisonObjects,
  CreateComparisonRequest,
  ErrorCode,
  parseOrThrow,
  toS3Uri,
  type ComparisonResult,
  type ComparisonView,
} from '@assay/contracts';
import type { AssayConfig } from '@assay/config';
import type { ComparisonRequests } from '@assay/intake';
import type { ComparisonStore } from '@assay/runs';
import type { ObjectStore } from '@assay/storage';
import { COMPARISON_REQUESTS, COMPARISONS, CONFIG, OBJECT_STORE } from '../tokens.js';

/** Comparisons of two closed runs: checked when asked for, computed by the aggregator, read back from S3. */
@Injectable()
export class ComparisonsService {
  constructor(
    @Inject(CONFIG) private readonly config: AssayConfig,
    @Inject(COMPARISONS) private readonly comparisons: ComparisonStore,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(COMPARISON_REQUESTS) private readonly requests: ComparisonRequests,
  ) {}

  /** Checked and queued by the shared `ComparisonRequests` (sweeps ask through it too); answers its state. */
  async create(body: unknown, requestId: string): Promise<ComparisonView> {
    const record = await this.requests.create(parseOrThrow(CreateComparisonRequest, body), requestId);
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
}
