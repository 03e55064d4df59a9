import { JobName, QueueName, RunObjects, resultJobId, type ResultRecord } from '@assay/contracts';
import type { QueueSet } from '@assay/queue';
import type { ObjectStore } from '@assay/storage';

/**
 * Hands a result on: the per-asset JSON in S3 (point lookups) and a `record-result` job for the
 * aggregator. Both are idempotent, so a retried or re-run job publishes again without harm.
 */
export class ResultPublisher {
  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly queues: QueueSet,
  ) {}

  async publish(record: ResultRecord): Promise<void> {
    await this.store.put({ bucket: this.bucket, key: RunObjects.assetResult(record.runId, record.assetId) }, JSON.stringify(record), 'application/json');
    await this.queues.add(QueueName.Aggregate, JobName.RecordResult, record, { jobId: resultJobId(record.jobId) });
  }
}
