import type { ResultRecord } from '@assay/contracts';

/** A minimal valid result record for aggregator tests; `overrides` set what the test is about. */
export function resultRecord(runId: string, assetId: string, overrides: Partial<ResultRecord> = {}): ResultRecord {
  return {
    schemaVersion: 1,
    runId,
    assetId,
    jobId: `${runId}.${assetId}`,
    modality: 'image',
    suite: 'image-default',
    modelVersion: 'v',
    status: 'completed',
    scores: {},
    metrics: [],
    sourceUri: 's3://assay/x',
    attributes: {},
    attempt: 1,
    worker: { host: 'h', pid: 1, version: '0', executionProviders: ['cpu'] },
    finishedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** The failed variant, with a reason code. */
export const failedRecord = (runId: string, assetId: string, code: string, overrides: Partial<ResultRecord> = {}): ResultRecord =>
  resultRecord(runId, assetId, { status: 'failed', failure: { code, message: 'x' }, ...overrides });
