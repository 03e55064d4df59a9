import { describe, expect, it } from 'vitest';
import { AssayError, type StudyAnswer, type StudyItem, type StudyRecord } from '@assay/contracts';
import { labelStudioExport, labelStudioUserIds, parseLabelStudioExport } from '@assay/study-exports';
import { answer, asset, context, makeStudy, pairItem, singleItem } from './fixtures.js';

/** What an import of the export should give back: the same answers, under the Label Studio ids of their raters. */
function asImported(answers: StudyAnswer[]) {
  const users = labelStudioUserIds(answers.map((a) => a.raterId));
  return answers.map(({ swapped: _swapped, side: _side, ...a }) => ({
    ...a,
    raterId: `ls:${users.get(a.raterId)}`,
    assignmentId: expect.stringMatching(/^ls:\d+$/),
    source: 'label-studio',
  }));
}

function roundTrip(study: StudyRecord, items: StudyItem[], answers: StudyAnswer[]) {
  const { tasks } = labelStudioExport(context(study, items, answers));
  return parseLabelStudioExport(study, items, JSON.parse(JSON.stringify(tasks)));
}

describe('labelStudioExport', () => {
  it('writes a pairwise project: two images, A/B/tie choices aliased to the item sides, the answers as annotations', () => {
    const study = makeStudy('pairwise');
    const item = pairItem('p1', 'a cat <on> a mat');
    const answers = [answer(study, item, 'ls:7', { preferred: 'b' }), answer(study, item, 'rater-x', { preferred: 'tie' })];
    const { labelConfig, tasks } = labelStudioExport(context(study, [item], answers));
    expect(labelConfig).toContain('<Image name="a" value="$a"/>');
    expect(labelConfig).toContain('<Image name="b" value="$b"/>');
    expect(labelConfig).toContain('<Choices name="preference" toName="a" choice="single-radio" required="true" showInline="true">');
    expect(labelConfig).toContain('<Choice value="About the same" alias="tie"/>');
    expect(labelConfig).toContain('value="Look closely &amp; answer &quot;honestly&quot;."');
    expect(tasks).toEqual([
      {
        data: {
          prompt: 'a cat <on> a mat',
          assay_item_id: 'p1',
          assay_study_id: 'st_pairwise',
          a: 's3://assay/runs/run-1/assets/p1-1',
          a_run_id: 'run-1',
          a_model_version: 'v1',
          b: 's3://assay/runs/run-2/assets/p1-2',
          b_run_id: 'run-2',
          b_model_version: 'v2',
        },
        annotations: [
          {
            id: 1,
            completed_by: 7,
            result: [{ id: 'preference', from_name: 'preference', to_name: 'a', type: 'choices', value: { choices: ['b'] } }],
            was_cancelled: false,
            ground_truth: false,
            created_at: answers[0].answeredAt,
            updated_at: answers[0].answeredAt,
            lead_time: answers[0].elapsedMs / 1000,
          },
          expect.objectContaining({ id: 2, completed_by: 8, result: [expect.objectContaining({ value: { choices: ['tie'] } })] }),
        ],
      },
    ]);
  });

  it('leaves out the tie choice when ties are not allowed, and picks the object tag by modality', () => {
    const study = makeStudy('pairwise', { allowTies: false });
    const item = { ...pairItem('p1'), assets: [asset('run-1', 'x', 'video'), asset('run-2', 'y', 'video')] };
    const { labelConfig } = labelStudioExport(context(study, [item], []));
    expect(labelConfig).not.toContain('alias="tie"');
    expect(labelConfig).toContain('<Video name="a" value="$a"/>');
  });

  it('writes one Rating per Likert dimension and yes/no Choices per binary check', () => {
    const likert = labelStudioExport(
      context(makeStudy('likert', { scalePoints: 7 }), [singleItem('s1', { assets: [asset('run-1', 'x', 'audio')] })], []),
    );
    expect(likert.labelConfig).toContain('<Audio name="asset" value="$asset"/>');
    expect(likert.labelConfig).toContain('<Rating name="fidelity" toName="asset" maxRating="7" required="true"/>');
    expect(likert.labelConfig).toContain('<Rating name="quality" toName="asset" maxRating="7" required="true"/>');
    expect(likert.labelConfig).toContain('Judge fidelity. (1 — unrelated · 2 · 3 · 4 · 5 — exact)');
    const binary = labelStudioExport(context(makeStudy('binary'), [singleItem('s1')], []));
    expect(binary.labelConfig).toContain('<Choices name="is_safe" toName="asset" choice="single-radio" required="true" showInline="true">');
    expect(binary.labelConfig).toContain('<Choice value="yes"/><Choice value="no"/>');
  });

  it('numbers raters: Label Studio raters keep their id, the others follow the largest in raterId order', () => {
    expect([...labelStudioUserIds(['zed', 'ls:12', 'amy', 'ls:3', 'amy'])]).toEqual([
      ['ls:12', 12],
      ['ls:3', 3],
      ['amy', 13],
      ['zed', 14],
    ]);
  });
});

describe('Label Studio round trip', () => {
  it('gives back the pairwise answers (gold included) with their raters and times', () => {
    const study = makeStudy('pairwise');
    const items = [
      pairItem('p1', 'a cat'),
      pairItem('p2', 'a dog'),
      pairItem('g1', 'a square', { gold: true, expected: { preferred: 'a' } }),
    ];
    const answers = [
      answer(study, items[0], 'r_amy', { preferred: 'a' }, { side: 'right', swapped: true }),
      answer(study, items[0], 'r_bob', { preferred: 'tie' }, { side: 'tie', swapped: false }),
      answer(study, items[1], 'r_amy', { preferred: 'b' }),
      answer(study, items[2], 'r_bob', { preferred: 'a' }),
    ];
    const imported = roundTrip(study, items, answers);
    expect(imported.answers).toEqual(asImported(answers));
    expect(imported.answers[3].gold).toBe(true);
    expect(imported.raters).toEqual([
      { raterId: 'ls:1', name: 'Label Studio user 1' },
      { raterId: 'ls:2', name: 'Label Studio user 2' },
    ]);
    expect(imported.skipped).toEqual([]);
  });

  it('gives back Likert ratings', () => {
    const study = makeStudy('likert');
    const items = [singleItem('s1'), singleItem('s2')];
    const answers = [
      answer(study, items[0], 'ls:40', { ratings: { fidelity: 5, quality: 1 } }),
      answer(study, items[0], 'ls:41', { ratings: { fidelity: 4, quality: 2 } }),
      answer(study, items[1], 'ls:40', { ratings: { fidelity: 1, quality: 5 } }),
    ];
    const imported = roundTrip(study, items, answers);
    expect(imported.answers).toEqual(asImported(answers));
    expect(imported.answers.map((a) => a.raterId)).toEqual(['ls:40', 'ls:41', 'ls:40']);
  });

  it('gives back binary checks', () => {
    const study = makeStudy('binary');
    const items = [singleItem('s1')];
    const answers = [
      answer(study, items[0], 'r1', { checks: { has_text: true, is_safe: false } }),
      answer(study, items[0], 'r2', { checks: { has_text: false, is_safe: true } }),
    ];
    expect(roundTrip(study, items, answers).answers).toEqual(asImported(answers));
  });
});

describe('parseLabelStudioExport on a Label Studio file', () => {
  // Written from the documented JSON export of annotated tasks, https://labelstud.io/guide/task_format (task `id`,
  // `data`, `annotations[]` with `id`, `completed_by`, `result[]` of {id, from_name, to_name, type, value, origin},
  // `was_cancelled`, `ground_truth`, `created_at`, `updated_at`, `lead_time`, `task`; `predictions`), as a project
  // made from our labeling config exports it: choice results carry the Choice alias.
  const study = makeStudy('pairwise');
  const items = [
    pairItem('p1', 'a cat'),
    pairItem('p2', 'a dog'),
    pairItem('g1', 'a square', { gold: true, expected: { preferred: 'a' } }),
  ];
  const choice = (id: string, alias: string) => ({
    id,
    type: 'choices',
    value: { choices: [alias] },
    origin: 'manual',
    to_name: 'a',
    from_name: 'preference',
  });
  const file = [
    {
      id: 101,
      created_at: '2025-02-03T09:00:00.000000Z',
      updated_at: '2025-02-03T10:16:08.746926Z',
      project: 83,
      inner_id: 1,
      total_annotations: 3,
      cancelled_annotations: 1,
      data: { prompt: 'a cat', assay_item_id: 'p1', assay_study_id: 'st_pairwise', a: 'https://x/p1-1.png', b: 'https://x/p1-2.png' },
      annotations: [
        {
          id: 1001,
          completed_by: 10,
          result: [choice('Dx_aB91ISN', 'a')],
          was_cancelled: false,
          ground_truth: false,
          created_at: '2025-02-03T10:16:08.728353Z',
          updated_at: '2025-02-03T10:16:08.728378Z',
          draft_created_at: null,
          lead_time: 4.288,
          prediction: {},
          result_count: 0,
          task: 101,
          project: 83,
          parent_prediction: null,
          parent_annotation: null,
        },
        {
          id: 1002,
          completed_by: { id: 11, email: 'kim@example.com', first_name: 'Kim', last_name: 'Lee' },
          result: [choice('aB3kx9QwEr', 'tie')],
          was_cancelled: false,
          ground_truth: false,
          created_at: '2025-02-03T10:20:00.100000Z',
          updated_at: '2025-02-03T10:21:30.250000Z',
          lead_time: 12.5,
          task: 101,
        },
        {
          id: 1003,
          completed_by: 12,
          result: [],
          was_cancelled: true,
          ground_truth: false,
          created_at: '2025-02-03T10:22:00Z',
          lead_time: 1.2,
          task: 101,
        },
      ],
      predictions: [{ id: 7, model_version: 'assay-judge', score: 0.5, result: [choice('t5sp3TyXPo', 'b')] }],
    },
    {
      id: 102,
      data: { prompt: 'a dog', assay_item_id: 'p2', assay_study_id: 'st_pairwise', a: 'https://x/p2-1.png', b: 'https://x/p2-2.png' },
      annotations: [
        {
          id: 1004,
          completed_by: 10,
          result: [choice('q1', 'b')],
          was_cancelled: false,
          created_at: '2025-02-04T08:00:00Z',
          updated_at: '2025-02-04T08:00:00Z',
          lead_time: 3,
        },
        // the same annotator again on the same item: the later annotation in the file stands
        {
          id: 1005,
          completed_by: 10,
          result: [choice('q2', 'a')],
          was_cancelled: false,
          created_at: '2025-02-04T08:05:00Z',
          updated_at: '2025-02-04T08:06:00Z',
          lead_time: 2.0004,
        },
      ],
      predictions: [],
    },
    {
      id: 103,
      data: { assay_item_id: 'g1' },
      annotations: [{ id: 1006, completed_by: 11, result: [choice('g', 'b')], created_at: '2025-02-05T00:00:00Z', lead_time: 7 }],
    },
    { id: 104, data: { assay_item_id: 'gone', a: 'https://x/gone.png' }, annotations: [] },
  ];

  it('imports the kept annotations as answers and reports what it skipped', () => {
    const result = parseLabelStudioExport(study, items, file);
    expect(result.answers).toEqual([
      {
        studyId: 'st_pairwise',
        itemId: 'p1',
        raterId: 'ls:10',
        assignmentId: 'ls:1001',
        gold: false,
        value: { preferred: 'a' },
        elapsedMs: 4288,
        answeredAt: '2025-02-03T10:16:08.728Z',
        source: 'label-studio',
      },
      expect.objectContaining({
        itemId: 'p1',
        raterId: 'ls:11',
        assignmentId: 'ls:1002',
        value: { preferred: 'tie' },
        elapsedMs: 12500,
        answeredAt: '2025-02-03T10:21:30.250Z',
      }),
      expect.objectContaining({
        itemId: 'p2',
        raterId: 'ls:10',
        assignmentId: 'ls:1005',
        value: { preferred: 'a' },
        elapsedMs: 2000,
        answeredAt: '2025-02-04T08:06:00.000Z',
      }),
      // no updated_at: created_at is the answer's time
      expect.objectContaining({
        itemId: 'g1',
        raterId: 'ls:11',
        gold: true,
        value: { preferred: 'b' },
        answeredAt: '2025-02-05T00:00:00.000Z',
      }),
    ]);
    expect(result.answers.every((a) => a.side === undefined && a.swapped === undefined)).toBe(true);
    expect(result.raters).toEqual([
      { raterId: 'ls:10', name: 'Label Studio user 10' },
      { raterId: 'ls:11', name: 'Kim Lee' },
    ]);
    expect(result.skipped).toEqual([
      { taskId: 101, reason: 'annotation 1003 was cancelled' },
      { taskId: 102, reason: 'annotation ls:1004 by ls:10 on item p2 replaced by the later ls:1005' },
      { taskId: 104, reason: 'unknown item gone' },
    ]);
  });

  it('reads the <Pairwise> tag too: left is the item’s first asset', () => {
    const task = {
      id: 5,
      data: { assay_item_id: 'p1' },
      annotations: [
        {
          id: 9,
          completed_by: 3,
          result: [{ from_name: 'preference', to_name: 'a,b', type: 'pairwise', value: { selected: 'right' } }],
          updated_at: '2025-02-01T00:00:00Z',
        },
      ],
    };
    expect(parseLabelStudioExport(study, items, [task]).answers[0].value).toEqual({ preferred: 'b' });
  });

  it('reads JSON_MIN (https://labelstud.io/guide/export.html#JSON-MIN): one flat record per annotation', () => {
    const likert = makeStudy('likert');
    const s1 = singleItem('s1');
    const records = [
      {
        asset: 'https://x/s1.png',
        prompt: 'prompt of s1',
        assay_item_id: 's1',
        id: 201,
        fidelity: [{ rating: 4 }],
        quality: [{ rating: 2 }],
        annotator: 5,
        annotation_id: 3001,
        created_at: '2025-03-01T12:00:00.000000Z',
        updated_at: '2025-03-01T12:00:05.500000Z',
        lead_time: 5.5,
      },
    ];
    const result = parseLabelStudioExport(likert, [s1], records);
    expect(result.answers).toEqual([
      {
        studyId: 'st_likert',
        itemId: 's1',
        raterId: 'ls:5',
        assignmentId: 'ls:3001',
        gold: false,
        value: { ratings: { fidelity: 4, quality: 2 } },
        elapsedMs: 5500,
        answeredAt: '2025-03-01T12:00:05.500Z',
        source: 'label-studio',
      },
    ]);
    const binary = makeStudy('binary');
    const checks = parseLabelStudioExport(
      binary,
      [s1],
      [{ assay_item_id: 's1', has_text: 'yes', is_safe: 'no', annotator: 6, annotation_id: 3002 }],
      {
        now: new Date('2025-03-02T00:00:00Z'),
      },
    );
    expect(checks.answers[0]).toMatchObject({
      value: { checks: { has_text: true, is_safe: false } },
      answeredAt: '2025-03-02T00:00:00.000Z',
      elapsedMs: 0,
    });
  });
});

describe('parseLabelStudioExport on malformed files', () => {
  const likert = makeStudy('likert');
  const noTies = makeStudy('pairwise', { allowTies: false });
  const s1 = singleItem('s1');
  const p1 = pairItem('p1');
  const rating = (from_name: string, value: unknown) => ({ from_name, to_name: 'asset', type: 'rating', value: { rating: value } });
  const task = (result: unknown, annotation: Record<string, unknown> = {}) => ({
    id: 1,
    data: { assay_item_id: 's1' },
    annotations: [{ id: 1, completed_by: 1, result, updated_at: '2025-01-01T00:00:00Z', lead_time: 1, ...annotation }],
  });
  const ok = [rating('fidelity', 3), rating('quality', 4)];

  function issuesOf(study: StudyRecord, items: StudyItem[], json: unknown) {
    try {
      parseLabelStudioExport(study, items, json);
    } catch (e) {
      expect(e).toBeInstanceOf(AssayError);
      expect((e as AssayError).code).toBe('label_studio_invalid');
      return (e as AssayError).details;
    }
    throw new Error('expected label_studio_invalid');
  }

  it.each([
    ['not an array', { tasks: [] }, '(root)', 'expected an array of tasks (a Label Studio JSON or JSON_MIN export)'],
    ['a task that is not an object', [42], '[0]', 'expected a task object'],
    ['a task without data', [{ id: 1, annotations: [] }], '[0].data', 'missing: every task has a data object'],
    [
      'an item id of the wrong type',
      [{ data: { assay_item_id: 7 }, annotations: [] }],
      '[0].data.assay_item_id',
      'expected the Assay item id (a string)',
    ],
    [
      'another study’s task',
      [{ data: { assay_item_id: 's1', assay_study_id: 'st_other' }, annotations: [] }],
      '[0].data.assay_study_id',
      'the task belongs to study "st_other", not st_likert',
    ],
    [
      'annotations that are not an array',
      [{ data: { assay_item_id: 's1' }, annotations: {} }],
      '[0].annotations',
      'expected an array of annotations',
    ],
    ['a result that is not an array', [task('4')], '[0].annotations[0].result', 'expected an array of results'],
    [
      'a rating above the scale',
      [task([rating('fidelity', 6), rating('quality', 4)])],
      '[0].annotations[0].result[0].value.rating',
      'rating 6 is outside 1…5',
    ],
    [
      'the unrated default 0',
      [task([rating('fidelity', 3), rating('quality', 0)])],
      '[0].annotations[0].result[1].value.rating',
      'rating 0 is outside 1…5',
    ],
    [
      'a rating as text',
      [task([rating('fidelity', '3'), rating('quality', 4)])],
      '[0].annotations[0].result[0].value.rating',
      'expected a rating (an integer) for fidelity',
    ],
    [
      'a dimension the study lacks',
      [task([...ok, rating('sharpness', 2)])],
      '[0].annotations[0].result[2].from_name',
      'sharpness is not a dimension of the study (fidelity, quality)',
    ],
    ['a missing dimension', [task([rating('fidelity', 3)])], '[0].annotations[0].result', 'no answer for quality'],
    [
      'an unknown result type',
      [task([...ok, { from_name: 'note', to_name: 'asset', type: 'textarea', value: { text: ['hm'] } }])],
      '[0].annotations[0].result[2].type',
      'unsupported result type "textarea" (expected choices or rating)',
    ],
    [
      'no annotator',
      [task(ok, { completed_by: null })],
      '[0].annotations[0].completed_by',
      'expected the annotator (a user id, or an object with id)',
    ],
    ['a bad timestamp', [task(ok, { updated_at: 'yesterday' })], '[0].annotations[0].updated_at', 'expected an ISO 8601 timestamp'],
    ['a negative lead time', [task(ok, { lead_time: -1 })], '[0].annotations[0].lead_time', 'expected seconds (a number ≥ 0)'],
  ])('%s', (_name, json, path, message) => {
    const details = issuesOf(likert, [s1], json);
    expect(details).toEqual([{ path, message: expect.stringContaining(message) }]);
  });

  it('refuses a tie when the study allows none, and two choices at once', () => {
    const choice = (choices: string[]) => ({ from_name: 'preference', to_name: 'a', type: 'choices', value: { choices } });
    const file = [
      { id: 1, data: { assay_item_id: 'p1' }, annotations: [{ id: 1, completed_by: 1, result: [choice(['tie'])] }] },
      { id: 2, data: { assay_item_id: 'p1' }, annotations: [{ id: 2, completed_by: 2, result: [choice(['a', 'b'])] }] },
    ];
    expect(issuesOf(noTies, [p1], file)).toEqual([
      { path: '[0].annotations[0].result[0].value.choices[0]', message: 'a tie, but the study does not allow ties' },
      { path: '[1].annotations[0].result[0].value.choices', message: 'expected exactly one choice' },
    ]);
  });

  it('reports every problem of the file at once, the first in the message', () => {
    const file = [task([rating('fidelity', 9), rating('quality', 4)]), { data: {}, annotations: [] }];
    try {
      parseLabelStudioExport(likert, [s1], file);
      expect.unreachable();
    } catch (e) {
      expect((e as AssayError).message).toBe(
        'Label Studio export does not fit study st_likert: [0].annotations[0].result[0].value.rating: rating 9 is outside 1…5 (and 1 more)',
      );
      expect((e as AssayError).details?.map((d) => d.path)).toEqual([
        '[0].annotations[0].result[0].value.rating',
        '[1].data.assay_item_id',
      ]);
    }
  });
});
