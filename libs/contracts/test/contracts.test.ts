import { describe, expect, it } from 'vitest';
import {
  AssetSubmission,
  CreateRunRequest,
  ErrorCode,
  parseOrThrow,
  parseS3Uri,
  queuePrefix,
  RUN_ID_PATTERN,
  newRunId,
  scoreJobId,
  AssayError,
} from '@assay/contracts';

describe('ids', () => {
  it('run ids are time-sortable and match their pattern', () => {
    const a = newRunId(1_700_000_000_000);
    const b = newRunId(1_700_000_000_001);
    expect(a).toMatch(RUN_ID_PATTERN);
    expect(a < b).toBe(true);
  });

  it('job ids are stable per (run, asset), differ across assets and never contain ":"', () => {
    const run = newRunId();
    expect(scoreJobId(run, 'a/b:c.png')).toBe(scoreJobId(run, 'a/b:c.png'));
    expect(scoreJobId(run, 'a.png')).not.toBe(scoreJobId(run, 'b.png'));
    expect(scoreJobId(run, 'x:y')).not.toContain(':');
  });

  it('queue prefixes put the queue name in a Redis Cluster hash tag', () => {
    expect(queuePrefix('assay', 'image')).toBe('assay:{image}');
  });
});

describe('schemas', () => {
  it('fills run defaults', () => {
    expect(CreateRunRequest.parse({ name: 'n' })).toEqual({ name: 'n', modelVersion: 'unknown', labels: {}, suite: 'image-default' });
  });

  it('rejects unknown fields and bad URIs with field paths', () => {
    try {
      parseOrThrow(AssetSubmission, { assetId: 'a', modality: 'image', uri: 'http://x/y', extra: 1 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AssayError);
      expect((err as AssayError).code).toBe(ErrorCode.ValidationFailed);
      expect((err as AssayError).details?.map((d) => d.path).sort()).toEqual(['(root)', 'uri']);
    }
  });

  it('rejects an unknown modality', () => {
    expect(AssetSubmission.safeParse({ assetId: 'a', modality: 'hologram' }).success).toBe(false);
  });

  it('parses s3 URIs', () => {
    expect(parseS3Uri('s3://my-bucket/runs/a b.png')).toEqual({ bucket: 'my-bucket', key: 'runs/a b.png' });
    expect(parseS3Uri('s3://B/x')).toBeUndefined();
  });
});
