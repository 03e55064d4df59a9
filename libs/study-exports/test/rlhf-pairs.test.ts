import { describe, expect, it } from 'vitest';
import { rlhfExport, rlhfPairs, toJsonl } from '@assay/study-exports';
import { answer, context, makeStudy, pairItem } from './fixtures.js';

const study = makeStudy('pairwise');
const [i1, i2, i3, i4, i5, i6, i7] = ['i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7'].map((id) =>
  pairItem(id, id === 'i7' ? undefined : `a cat, ${id}`),
);
const gold = pairItem('g1', 'a red square', { gold: true, expected: { preferred: 'a' } });
const pref = (preferred: 'a' | 'b' | 'tie') => ({ preferred });
const answers = [
  answer(study, i1, 'r1', pref('a')),
  answer(study, i1, 'r2', pref('a')),
  answer(study, i1, 'r3', pref('b')),
  // r1 changed their mind on i2: only the later answer counts
  answer(study, i2, 'r1', pref('a'), { answeredAt: '2025-01-02T09:00:00.000Z' }),
  answer(study, i2, 'r1', pref('b'), { answeredAt: '2025-01-02T11:00:00.000Z' }),
  answer(study, i2, 'r2', pref('b')),
  answer(study, i2, 'r3', pref('tie')),
  answer(study, i3, 'r1', pref('a')),
  answer(study, i3, 'r2', pref('b')),
  answer(study, i4, 'r1', pref('tie')),
  answer(study, i4, 'r2', pref('tie')),
  answer(study, i4, 'r3', pref('a')),
  answer(study, i5, 'r1', pref('a')),
  ...['r1', 'r2', 'r3', 'r4'].map((r) => answer(study, i7, r, pref('b'))),
  ...['r1', 'r2', 'r3'].map((r) => answer(study, gold, r, pref('a'))),
];
const ctx = context(study, [i1, i2, i3, i4, i5, i6, i7, gold], answers);

describe('rlhfPairs', () => {
  it('keeps each non-gold majority with its margin and agreement, and counts what it skips', () => {
    const { pairs, skipped } = rlhfExport(ctx);
    expect(pairs.map((p) => p.item_id)).toEqual(['i1', 'i2', 'i5', 'i7']);
    expect(skipped).toEqual({ fewRaters: 1, noMajority: 2, lowMargin: 0 });
    expect(pairs[0]).toEqual({
      prompt: 'a cat, i1',
      chosen: 's3://assay/runs/run-1/assets/i1-1',
      rejected: 's3://assay/runs/run-2/assets/i1-2',
      chosen_model_version: 'v1',
      rejected_model_version: 'v2',
      margin: 1 / 3,
      raters: 3,
      agreement: 2 / 3,
      item_id: 'i1',
      study_id: 'st_pairwise',
    });
    // b, b, tie: the tie dilutes the margin and counts as disagreement
    expect(pairs[1]).toMatchObject({
      chosen: 's3://assay/runs/run-2/assets/i2-2',
      chosen_model_version: 'v2',
      margin: 2 / 3,
      raters: 3,
      agreement: 2 / 3,
    });
    expect(pairs[3]).toMatchObject({
      prompt: null,
      chosen_model_version: 'v2',
      rejected_model_version: 'v1',
      margin: 1,
      raters: 4,
      agreement: 1,
    });
    expect(pairs.some((p) => p.item_id === 'g1')).toBe(false);
  });

  it('applies minRaters and minMargin', () => {
    const { pairs, skipped } = rlhfExport(ctx, { minRaters: 2, minMargin: 0.5 });
    expect(pairs.map((p) => [p.item_id, p.margin])).toEqual([
      ['i2', 2 / 3],
      ['i7', 1],
    ]);
    expect(skipped).toEqual({ fewRaters: 2, noMajority: 2, lowMargin: 1 });
    expect(rlhfPairs(ctx, { minRaters: 2, minMargin: 0.5 })).toEqual(pairs);
  });

  it('gives nothing for a study that is not pairwise', () => {
    expect(rlhfPairs({ ...ctx, study: makeStudy('likert') })).toEqual([]);
  });
});

describe('toJsonl', () => {
  it('writes one object per line, each ending in a newline', () => {
    const pairs = rlhfPairs(ctx);
    const text = toJsonl(pairs);
    const lines = text.split('\n');
    expect(lines).toHaveLength(pairs.length + 1);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l))).toEqual(pairs);
    expect(lines[3]).toBe(
      '{"prompt":null,"chosen":"s3://assay/runs/run-2/assets/i7-2","rejected":"s3://assay/runs/run-1/assets/i7-1",' +
        '"chosen_model_version":"v2","rejected_model_version":"v1","margin":1,"raters":4,"agreement":1,"item_id":"i7","study_id":"st_pairwise"}',
    );
    expect(toJsonl([])).toBe('');
  });
});
