import { hostname } from 'node:os';
import { failedRecord, RunObjects, scoreJobId, type AssetRecord, type ResultRecord, type RunRecord } from '@assay/contracts';
import type { RunAggregates } from '@assay/aggregation';
import type { ObjectStore } from '@assay/storage';

/** A failed result the aggregator records itself, for assets that will never reach a worker. */
export function aggregatorFailure(run: RunRecord, asset: AssetRecord, code: string, message: string, version: string): ResultRecord {
  const origin = {
    runId: run.id,
    runName: run.name,
    runLabels: run.labels,
    assetId: asset.assetId,
    jobId: scoreJobId(run.id, asset.assetId),
    modality: asset.modality,
    suite: run.suite,
    modelVersion: run.modelVersion,
    sourceUri: asset.uri ?? '',
    prompt: asset.prompt,
    attributes: asset.attributes,
    attempt: 0,
    worker: { host: hostname(), pid: process.pid, version, executionProviders: [] },
  };
  return failedRecord(origin, { code, message });
}

/**
 * Records a failure the aggregator decided on: the per-asset result object (as a worker would write it)
 * first, then the aggregate. Returns false when the asset already had a result.
 */
export class FailureRecorder {
  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
    private readonly aggregates: RunAggregates,
  ) {}

  async record(failure: ResultRecord): Promise<boolean> {
    await this.store.put(
      { bucket: this.bucket, key: RunObjects.assetResult(failure.runId, failure.assetId) },
      JSON.stringify(failure),
      'application/json',
    );
    return this.aggregates.apply(failure);
  }
}
