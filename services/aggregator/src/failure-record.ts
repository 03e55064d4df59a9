import { hostname } from 'node:os';
import { scoreJobId, type AssetRecord, type ResultRecord, type RunRecord } from '@assay/contracts';

/** A failed result the aggregator records itself, for assets that will never reach a worker. */
export function aggregatorFailure(run: RunRecord, asset: AssetRecord, code: string, message: string, version: string): ResultRecord {
  return {
    schemaVersion: 1,
    runId: run.id,
    assetId: asset.assetId,
    jobId: scoreJobId(run.id, asset.assetId),
    modality: asset.modality,
    suite: run.suite,
    modelVersion: run.modelVersion,
    status: 'failed',
    failure: { code, message },
    scores: {},
    metrics: [],
    sourceUri: asset.uri ?? '',
    prompt: asset.prompt,
    attributes: asset.attributes,
    attempt: 0,
    worker: { host: hostname(), pid: process.pid, version, executionProviders: [] },
    finishedAt: new Date().toISOString(),
  };
}
