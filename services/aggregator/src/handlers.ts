import { CloseRunPayload, ErrorCode, AssayError, parseOrThrow, ResultRecord } from '@assay/contracts';
import type { RunAggregates } from '@assay/aggregation';
import type { JobHandler } from '@assay/queue';
import type { RunStore } from '@assay/runs';
import type { AggregatorMetrics } from './aggregator-metrics.js';
import type { QualityMetrics } from './quality-metrics.js';
import { aggregatorFailure, type FailureRecorder } from './failure-record.js';
import type { RunWriter } from './run-writer.js';

export interface HandlerDeps {
  runs: RunStore;
  aggregates: RunAggregates;
  failures: FailureRecorder;
  writer: RunWriter;
  metrics: AggregatorMetrics;
  quality: QualityMetrics;
  version: string;
  /** remember a run that waits for results after a close request */
  trackClosing: (runId: string) => Promise<void>;
}

/** `record-result`: apply once (redeliveries are ignored), then close the run if that was its last asset. */
export function recordResultHandler(deps: HandlerDeps): JobHandler<'record-result'> {
  return async (job, log) => {
    const record = parseOrThrow(ResultRecord, job.data, ErrorCode.InvalidPayload);
    const applied = await deps.aggregates.apply(record);
    if (!applied) {
      deps.metrics.duplicates.inc();
      log.info('result already counted; ignored');
    } else if (record.status === 'completed') {
      deps.metrics.completed.inc({ modality: record.modality });
      deps.quality.observe(record);
    } else {
      deps.metrics.failed.inc({ modality: record.modality, reason: record.failure?.code ?? ErrorCode.Internal });
    }
    await deps.writer.maybeFinalize(record.runId);
    return { applied };
  };
}

/**
 * `close-run`: assets still waiting for their bytes will never get them: record them as failed
 * (`content_missing`), then close the run now or when its last result arrives.
 */
export function closeRunHandler(deps: HandlerDeps): JobHandler<'close-run'> {
  return async (job, log) => {
    const { runId } = parseOrThrow(CloseRunPayload, job.data, ErrorCode.InvalidPayload);
    const run = await deps.runs.get(runId);
    if (!run) throw new AssayError(ErrorCode.RunNotFound, `no run ${runId}`);
    let missing = 0;
    for (const assetId of await deps.runs.awaitingIds(runId)) {
      const asset = await deps.runs.getAsset(runId, assetId);
      if (!asset) continue;
      const failure = aggregatorFailure(
        run,
        asset,
        ErrorCode.ContentMissing,
        'the run was closed before the content of this asset was uploaded',
        deps.version,
      );
      // record first, then leave the awaiting set: a crash in between is repaired by the retried job
      if (await deps.failures.record(failure)) {
        deps.metrics.failed.inc({ modality: asset.modality, reason: ErrorCode.ContentMissing });
        missing++;
      }
      await deps.runs.takeAwaiting(runId, assetId);
    }
    const closed = await deps.writer.maybeFinalize(runId);
    if (!closed) await deps.trackClosing(runId);
    log.info({ contentMissing: missing, closed }, closed ? 'run closed' : 'run closing; waiting for results');
    return { closed };
  };
}
