import { ErrorCode, ERROR_CODES, SCORING_QUEUE_BY_MODALITY, type ErrorCode as Code } from '@assay/contracts';
import type { Logger } from '@assay/observability';
import type { QueueSet } from '@assay/queue';
import type { RunStore } from '@assay/runs';
import type { AggregatorMetrics } from './aggregator-metrics.js';
import { aggregatorFailure, type FailureRecorder } from './failure-record.js';

/** Failed jobs carry `<code>: <message>` as their reason (see QueueWorker); anything else is internal. */
function codeOf(failedReason: string | undefined): Code {
  const head = (failedReason ?? '').split(':')[0];
  return (ERROR_CODES as readonly string[]).includes(head) ? (head as Code) : ErrorCode.Internal;
}

/**
 * The safety net behind "a job is never silently lost": for a closing run, any accepted asset whose job
 * failed without publishing a result (e.g. it stalled past the limit after worker crashes) or vanished is
 * recorded as failed, so the run can close with every asset accounted for.
 */
export class Reconciler {
  constructor(
    private readonly runs: RunStore,
    private readonly failures: FailureRecorder,
    private readonly queues: QueueSet,
    private readonly metrics: AggregatorMetrics,
    private readonly version: string,
    private readonly logger: Logger,
  ) {}

  async reconcile(runId: string): Promise<number> {
    const run = await this.runs.get(runId);
    if (!run) return 0;
    let recorded = 0;
    for await (const page of this.runs.unfinished(runId)) {
      for (const asset of page) {
        if (!asset.uri && !(await this.runs.uploadState(runId, asset).then((s) => s.kind === 'uploaded'))) continue;
        const job = await this.queues.get(SCORING_QUEUE_BY_MODALITY[asset.modality]).getJob(asset.jobId);
        let code: Code | undefined;
        let message = '';
        if (!job) {
          code = ErrorCode.Internal;
          message = 'the scoring job is gone without a result';
        } else if (await job.isFailed()) {
          code = codeOf(job.failedReason);
          message = job.failedReason ?? 'job failed';
        }
        if (!code) continue;
        if (await this.failures.record(aggregatorFailure(run, asset, code, message, this.version))) {
          recorded++;
          this.metrics.reconciled.inc({ reason: code });
          this.metrics.failed.inc({ modality: asset.modality, reason: code });
          this.logger.warn({ runId, assetId: asset.assetId, jobId: asset.jobId, code }, 'recorded a failure found by reconciliation');
        }
      }
    }
    return recorded;
  }
}
