import { describe, expect, it } from 'vitest';
import type { AssayError, RaterAnswer } from '@assay/contracts';
import { isGoldCorrect, isSwapped, signAssetLink, sniffContentType, toScreenAnswer, toStudyAnswer, verifyAssetLink } from '@assay/studies';
import { makeItems, studyRecord } from './fixtures.js';

const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as AssayError).code;
  }
};

describe('answers', () => {
  const pairwise = studyRecord({ protocol: 'pairwise', items: 40, allowTies: false });
  const items = makeItems(pairwise, 40);
  const answer = (a: RaterAnswer['answer'], i = 0) =>
    toStudyAnswer(pairwise, items[i], 'rtr_1', { assignmentId: 'asg_1', answer: a, elapsedMs: 1500 }, new Date());

  it('turn a screen side into the item order, and back', () => {
    const swaps = items.map((it) => isSwapped(pairwise, it.id, 'rtr_1'));
    // about half the items show `a` on the right; the same rater and item always get the same side
    expect(swaps.filter(Boolean).length).toBeGreaterThan(10);
    expect(swaps.filter(Boolean).length).toBeLessThan(30);
    expect(items.map((it) => isSwapped(pairwise, it.id, 'rtr_1'))).toEqual(swaps);
    for (let i = 0; i < items.length; i++) {
      const a = answer({ choice: 'left' }, i);
      expect(a.value).toEqual({ preferred: swaps[i] ? 'b' : 'a' });
      expect(a.side).toBe('left');
      expect(toScreenAnswer(a)).toEqual({ choice: 'left' });
    }
  });

  it('are checked against the rubric', () => {
    expect(codeOf(() => answer({ choice: 'tie' }))).toBe('answer_invalid');
    expect(codeOf(() => answer({ ratings: { quality: 3 } }))).toBe('answer_invalid');
    const likert = studyRecord({
      items: 1,
      scalePoints: 5,
      dimensions: [
        { key: 'quality', label: 'Quality', instructions: 'x' },
        { key: 'faithfulness', label: 'Faithfulness', instructions: 'y' },
      ],
    });
    const item = makeItems(likert, 1)[0];
    const rate = (ratings: Record<string, number>) => () =>
      toStudyAnswer(likert, item, 'r', { assignmentId: 'a', answer: { ratings }, elapsedMs: 1 }, new Date());
    expect(codeOf(rate({ quality: 3 }))).toBe('answer_invalid');
    expect(codeOf(rate({ quality: 3, faithfulness: 6 }))).toBe('answer_invalid');
    expect(codeOf(rate({ quality: 3, faithfulness: 2, extra: 1 }))).toBe('answer_invalid');
    expect(rate({ faithfulness: 2, quality: 3 })().value).toEqual({ ratings: { quality: 3, faithfulness: 2 } });
  });

  it('to gold items are judged against the expected answer', () => {
    expect(isGoldCorrect({ preferred: 'a' }, { preferred: 'a' })).toBe(true);
    expect(isGoldCorrect({ preferred: 'a' }, { preferred: 'tie' })).toBe(false);
    expect(isGoldCorrect({ ratings: { q: { min: 4, max: 5 } } }, { ratings: { q: 4 } })).toBe(true);
    expect(isGoldCorrect({ ratings: { q: { min: 4, max: 5 } } }, { ratings: { q: 3 } })).toBe(false);
    expect(isGoldCorrect({ checks: { text: true } }, { checks: { text: false } })).toBe(false);
  });
});

describe('asset links', () => {
  const secret = Buffer.alloc(32, 7);
  const now = new Date('2026-12-05T12:00:00Z');
  const parse = (path: string) => {
    const url = new URL(path, 'http://x');
    const [, , studyId, , assignmentId, slot] = url.pathname.split('/');
    return { studyId, assignmentId, slot, exp: url.searchParams.get('exp')!, sig: url.searchParams.get('sig')! };
  };

  it('verify for their own study, task and slot until they expire', () => {
    const link = parse(signAssetLink(secret, 'std_1', 'asg_1', 'left', now));
    expect(verifyAssetLink(secret, link, now)).toBe('left');
    const refused = (l: typeof link, at = now) => codeOf(() => verifyAssetLink(secret, l, at));
    expect(refused({ ...link, slot: 'right' })).toBe('asset_link_invalid');
    expect(refused({ ...link, assignmentId: 'asg_2' })).toBe('asset_link_invalid');
    expect(refused({ ...link, studyId: 'std_2' })).toBe('asset_link_invalid');
    expect(refused({ ...link, exp: String(Number(link.exp) + 3600) })).toBe('asset_link_invalid');
    expect(refused({ ...link, sig: 'x' })).toBe('asset_link_invalid');
    expect(refused(link, new Date(now.getTime() + 31 * 60_000))).toBe('asset_link_invalid');
    expect(codeOf(() => verifyAssetLink(Buffer.alloc(32, 8), link, now))).toBe('asset_link_invalid');
  });
});

describe('content types', () => {
  it('come from the bytes', () => {
    const bytes = (head: number[] | string) => {
      const b = new Uint8Array(16);
      b.set(typeof head === 'string' ? Array.from(head, (c) => c.charCodeAt(0)) : head);
      return b;
    };
    expect(sniffContentType(bytes([0x89, 0x50, 0x4e, 0x47]))).toBe('image/png');
    expect(sniffContentType(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffContentType(bytes('RIFF\0\0\0\0WEBP'))).toBe('image/webp');
    expect(sniffContentType(bytes('RIFF\0\0\0\0WAVE'))).toBe('audio/wav');
    expect(sniffContentType(bytes('\0\0\0\x20ftypisom'))).toBe('video/mp4');
    expect(sniffContentType(bytes('<html>'))).toBe('application/octet-stream');
  });
});
