import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunObjects, type ResultRecord } from '@assay/contracts';
import { ResultParts } from '@assay/results';
import { startTestS3, type TestS3 } from '../../../test/helpers/env.js';

let s3: TestS3;
let parts: ResultParts;
const BUCKET = 'assay';

const record = (runId: string, i: number) => ({ runId, assetId: `a${i}`, scores: { 'm.s': i } }) as unknown as ResultRecord;
async function writeRun(runId: string, sizes: number[]): Promise<number> {
  let offset = 0;
  for (const size of sizes) {
    const lines = Array.from({ length: size }, (_, k) => JSON.stringify(record(runId, offset + k)));
    await s3.store.put({ bucket: BUCKET, key: RunObjects.resultsPart(runId, offset) }, `${lines.join('\n')}\n`);
    offset += size;
  }
  return offset;
}
const collect = async (it: AsyncIterable<{ offset: number; record: ResultRecord }>) => {
  const out: { offset: number; assetId: string }[] = [];
  for await (const { offset, record: r } of it) out.push({ offset, assetId: r.assetId });
  return out;
};

beforeAll(async () => {
  s3 = await startTestS3();
  parts = new ResultParts(s3.store, BUCKET);
});
afterAll(() => s3.close());

describe("a run's result stream read back from its parts", () => {
  it('yields every record once, in order, across parts of irregular sizes (10 parts, prefetching)', async () => {
    const count = await writeRun('r-many', [3, 1, 7, 2, 2, 11, 1, 1, 5, 4]);
    const all = await collect(parts.records('r-many', count, { prefetch: 3 }));
    expect(all.map((r) => r.offset)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(all.every((r) => r.assetId === `a${r.offset}`)).toBe(true);
    expect(await parts.starts('r-many')).toEqual([0, 3, 4, 11, 13, 15, 26, 27, 28, 33]);
  });

  it('reads a range that starts inside a part and stops inside another', async () => {
    const range = await collect(parts.records('r-many', 37, { from: 5, to: 14 }));
    expect(range.map((r) => r.offset)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('refuses a stream with a missing part or fewer records than the run counted, naming the first lost record', async () => {
    await writeRun('r-gap', [4, 4]);
    await s3.store.put({ bucket: BUCKET, key: RunObjects.resultsPart('r-gap', 12) }, `${JSON.stringify(record('r-gap', 12))}\n`);
    await expect(collect(parts.records('r-gap', 13))).rejects.toMatchObject({
      code: 'internal_error',
      message: expect.stringContaining('record 8'),
    });
    await expect(collect(parts.records('r-gap', 9))).rejects.toMatchObject({ message: expect.stringContaining('record 8') });
    await expect(collect(parts.records('r-none', 1))).rejects.toMatchObject({ message: expect.stringContaining('record 0') });
    expect(await collect(parts.records('r-none', 0))).toEqual([]);
  });

  it('refuses a line that is not JSON, and a reader that stops early leaves nothing unhandled', async () => {
    await s3.store.put({ bucket: BUCKET, key: RunObjects.resultsPart('r-bad', 0) }, '{"runId":"r-bad"}\n{not json\n');
    await expect(collect(parts.records('r-bad', 2))).rejects.toMatchObject({ message: expect.stringContaining('not JSON (record 1)') });
    for await (const { offset } of parts.records('r-many', 37, { prefetch: 4 })) if (offset === 2) break;
  });

  it('lines() gives the same stream unparsed, a line that is not JSON included, with the part that holds each', async () => {
    const lines: { offset: number; line: string; part: number }[] = [];
    for await (const l of parts.lines('r-bad', 2)) lines.push(l);
    expect(lines).toEqual([
      { offset: 0, line: '{"runId":"r-bad"}', part: 0 },
      { offset: 1, line: '{not json', part: 0 },
    ]);
    const range: number[] = [];
    for await (const { part } of parts.lines('r-many', 37, { from: 10, to: 12 })) range.push(part);
    expect(range).toEqual([4, 11]);
  });
});
