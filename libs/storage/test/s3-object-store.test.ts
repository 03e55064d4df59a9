import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssayError, ErrorCode, PERMANENT_FAILURES } from '@assay/contracts';
import { EMBEDDED_S3_CREDENTIALS, S3ObjectStore } from '@assay/storage';
import { freePort, startTestS3, type TestS3 } from '../../../test/helpers/env.js';

let t: TestS3;
beforeAll(async () => {
  t = await startTestS3();
});
afterAll(() => t.close());

describe('S3ObjectStore on the S3 API (s3rver)', () => {
  it('puts, heads, gets and lists', async () => {
    const ref = { bucket: 'assay', key: 'runs/r1/assets/a%2Fb.json' };
    await t.store.put(ref, '{"a":1}', 'application/json');
    expect(await t.store.head(ref)).toMatchObject({ size: 7 });
    expect(Buffer.from(await t.store.get(ref)).toString()).toBe('{"a":1}');
    expect(await t.store.list('assay', 'runs/r1/')).toEqual(['runs/r1/assets/a%2Fb.json']);
  });

  it('reports a missing object as source_not_found', async () => {
    await expect(t.store.get({ bucket: 'assay', key: 'nope' })).rejects.toMatchObject({ code: ErrorCode.SourceNotFound });
    expect(await t.store.head({ bucket: 'assay', key: 'nope' })).toBeUndefined();
  });

  it('refuses objects over the byte limit before reading them', async () => {
    const ref = { bucket: 'assay', key: 'big' };
    await t.store.put(ref, new Uint8Array(2048));
    const err = await t.store.get(ref, { maxBytes: 1024 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssayError);
    expect((err as AssayError).code).toBe(ErrorCode.FileTooLarge);
  });

  it('reports an unreachable store as storage_unavailable (transient), naming the call and the cause', async () => {
    const dead = new S3ObjectStore({
      endpoint: `http://127.0.0.1:${await freePort()}`,
      region: 'us-east-1',
      credentials: EMBEDDED_S3_CREDENTIALS,
    });
    const ref = { bucket: 'assay', key: 'a.png' };
    try {
      for (const [call, attempt] of [
        ['GET', () => dead.get(ref)],
        ['PUT', () => dead.put(ref, 'x')],
        ['HEAD', () => dead.head(ref)],
        ['LIST', () => dead.list('assay', 'runs/')],
        ['HEAD bucket', () => dead.ping('assay')],
      ] as const) {
        const err = await (attempt() as Promise<unknown>).catch((e: unknown) => e);
        expect(err, call).toMatchObject({ code: ErrorCode.StorageUnavailable });
        expect((err as Error).message, call).toMatch(new RegExp(`^object storage: ${call} .*failed \\(ECONNREFUSED`));
      }
      expect(PERMANENT_FAILURES.has(ErrorCode.StorageUnavailable)).toBe(false);
    } finally {
      dead.close();
    }
  });

  it('pings and creates buckets', async () => {
    await expect(t.store.ping('assay')).resolves.toBeUndefined();
    await expect(t.store.ping('missing-bucket')).rejects.toBeTruthy();
    await t.store.ensureBucket('new-bucket');
    await expect(t.store.ping('new-bucket')).resolves.toBeUndefined();
  });
});
