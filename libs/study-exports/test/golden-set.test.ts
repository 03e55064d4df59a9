import { describe, expect, it } from 'vitest';
import { CreateStudyRequest, GoldItemRequest, type StudyAnswerValue } from '@assay/contracts';
import { goldenSetManifest } from '@assay/study-exports';
import { answer, context, makeStudy, pairItem, singleItem } from './fixtures.js';

const now = new Date('2025-04-01T12:00:00Z');

describe('goldenSetManifest', () => {
  it('pairwise: keeps clear majorities of enough raters and the study’s gold items as they are', () => {
    const study = makeStudy('pairwise');
    const votes: Record<string, ('a' | 'b' | 'tie')[]> = {
      p1: ['a', 'a', 'a', 'b'],
      p2: ['b', 'b', 'b'],
      p3: ['a', 'a', 'tie'],
      p4: ['a', 'b', 'tie'],
      p5: ['b', 'b'],
    };
    const items = [
      ...Object.keys(votes).map((id) => pairItem(id, `prompt ${id}`)),
      pairItem('g1', 'a square', { gold: true, expected: { preferred: 'a' } }),
    ];
    const answers = items.flatMap((item) =>
      (votes[item.id] ?? ['b', 'b', 'b']).map((preferred, r) => answer(study, item, `r${r}`, { preferred })),
    );
    const manifest = goldenSetManifest(context(study, items, answers), { now });
    expect(manifest).toMatchObject({
      version: 1,
      createdAt: '2025-04-01T12:00:00.000Z',
      studyId: 'st_pairwise',
      studyName: 'pairwise study',
      minRaters: 3,
      minAgreement: 0.8,
    });
    expect(manifest.rubric).toEqual({
      protocol: 'pairwise',
      instructions: study.instructions,
      dimensions: study.dimensions,
      scalePoints: 5,
      allowTies: true,
    });
    expect(manifest.items).toEqual([
      {
        itemId: 'p2',
        origin: 'consensus',
        raters: 3,
        agreement: 1,
        gold: {
          assets: [
            { runId: 'run-1', assetId: 'p2-1' },
            { runId: 'run-2', assetId: 'p2-2' },
          ],
          prompt: 'prompt p2',
          expected: { preferred: 'b' },
        },
      },
      // the gold item keeps its planted answer, though every rater chose b
      {
        itemId: 'g1',
        origin: 'gold',
        raters: 3,
        agreement: null,
        gold: {
          assets: [
            { runId: 'run-1', assetId: 'g1-1' },
            { runId: 'run-2', assetId: 'g1-2' },
          ],
          prompt: 'a square',
          expected: { preferred: 'a' },
        },
      },
    ]);
    const looser = goldenSetManifest(context(study, items, answers), { now, minAgreement: 0.6, minRaters: 2 });
    expect(looser.items.map((i) => [i.itemId, i.agreement, i.gold.expected])).toEqual([
      ['p1', 0.75, { preferred: 'a' }],
      ['p2', 1, { preferred: 'b' }],
      ['p3', 2 / 3, { preferred: 'a' }],
      ['p5', 1, { preferred: 'b' }],
      ['g1', null, { preferred: 'a' }],
    ]);
    // the items are gold for a new study as they are
    const next = CreateStudyRequest.parse({
      name: 'next',
      protocol: 'pairwise',
      runs: ['run-3', 'run-4'],
      instructions: 'Pick the better image.',
      dimensions: manifest.rubric.dimensions,
      gold: { items: looser.items.map((i) => i.gold) },
    });
    expect(next.gold?.items).toHaveLength(5);
  });

  it('Likert: the expected range holds the ratings within one point of the median; agreement is the share inside it', () => {
    const study = makeStudy('likert');
    const ratings: Record<string, [number, number][]> = {
      s1: [
        [4, 2],
        [5, 3],
        [5, 3],
      ],
      s2: [
        [1, 3],
        [3, 3],
        [5, 3],
      ],
      // an even count: median 3.5 → 3…4
      s3: [
        [2, 5],
        [3, 5],
        [4, 5],
        [4, 5],
      ],
    };
    const items = Object.keys(ratings).map((id) => singleItem(id));
    const answers = items.flatMap((item) =>
      ratings[item.id].map(([fidelity, quality], r) => answer(study, item, `r${r}`, { ratings: { fidelity, quality } })),
    );
    const manifest = goldenSetManifest(context(study, items, answers), { now, minAgreement: 0.75 });
    expect(manifest.items.map((i) => [i.itemId, i.agreement, i.gold.expected])).toEqual([
      ['s1', 1, { ratings: { fidelity: { min: 4, max: 5 }, quality: { min: 2, max: 4 } } }],
      ['s3', 0.75, { ratings: { fidelity: { min: 3, max: 4 }, quality: { min: 4, max: 5 } } }],
    ]);
    for (const item of manifest.items) expect(GoldItemRequest.parse(item.gold)).toEqual(item.gold);
    expect(manifest.items[0].gold).toEqual({
      assets: [{ runId: 'run-1', assetId: 's1-1' }],
      prompt: 'prompt of s1',
      expected: manifest.items[0].gold.expected,
    });
    expect(goldenSetManifest(context(study, items, answers), { now }).items.map((i) => i.itemId)).toEqual(['s1']);
  });

  it('binary: the majority answer per check; an even split gives no consensus', () => {
    const study = makeStudy('binary');
    const b1 = singleItem('b1');
    const b2 = singleItem('b2', { prompt: undefined });
    const checks = (has_text: boolean, is_safe: boolean): StudyAnswerValue => ({ checks: { has_text, is_safe } });
    const answers = [
      answer(study, b1, 'r1', checks(true, true)),
      answer(study, b1, 'r2', checks(true, true)),
      answer(study, b1, 'r3', checks(true, false)),
      answer(study, b2, 'r1', checks(true, true)),
      answer(study, b2, 'r2', checks(false, true)),
      answer(study, b2, 'r3', checks(true, true)),
      answer(study, b2, 'r4', checks(false, true)),
    ];
    const manifest = goldenSetManifest(context(study, [b1, b2], answers), { now, minAgreement: 0.5 });
    expect(manifest.items).toEqual([
      {
        itemId: 'b1',
        origin: 'consensus',
        raters: 3,
        agreement: 2 / 3,
        gold: {
          assets: [{ runId: 'run-1', assetId: 'b1-1' }],
          prompt: 'prompt of b1',
          expected: { checks: { has_text: true, is_safe: true } },
        },
      },
    ]);
    expect(GoldItemRequest.parse(manifest.items[0].gold)).toEqual(manifest.items[0].gold);
  });
});
