import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssayError, ErrorCode } from '@assay/contracts';
import { startTestS3, type TestS3 } from '../../../test/helpers/env.js';

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

  it('pings and creates buckets', async () => {
    await expect(t.store.ping('assay')).resolves.toBeUndefined();
    await expect(t.store.ping('missing-bucket')).rejects.toBeTruthy();
    await t.store.ensureBucket('new-bucket');
    await expect(t.store.ping('new-bucket')).resolves.toBeUndefined();
  });
});
