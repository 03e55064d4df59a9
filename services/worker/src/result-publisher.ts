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
    await this.storeRecord(record);
    await this.queueRecord(record);
  }

  /**
   * A job's final failure: counted in the run at once (the aggregator needs only Redis), then stored for
   * point lookups, which a storage outage may prevent (the run's result parts still carry the record).
   */
  async publishFailure(record: ResultRecord): Promise<void> {
    await this.queueRecord(record);
    await this.storeRecord(record);
  }

  private async storeRecord(record: ResultRecord): Promise<void> {
    await this.store.put(
      { bucket: this.bucket, key: RunObjects.assetResult(record.runId, record.assetId) },
      JSON.stringify(record),
      'application/json',
    );
  }

  private async queueRecord(record: ResultRecord): Promise<void> {
    await this.queues.add(QueueName.Aggregate, JobName.RecordResult, record, { jobId: resultJobId(record.jobId) });
  }
}
