/**
 * Human evaluation through the real services (ingest, worker, aggregator, Redis, S3): a pairwise study over
 * two closed runs, four raters answering through the rater API (one of them clicking at random, caught by a
 * gold item), bad input refused with its code and nothing counted twice, the analysis, the exports, a Label
 * Studio round trip, the close, and the study metrics on /metrics (promtool-clean).
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RaterTaskView, StudyAnalysis, StudyRecord } from '@assay/contracts';
import { isSwapped } from '@assay/studies';
import { promtool } from '../deploy/tools.js';
import { TEST_API_KEY, type TestS3 } from '../helpers/env.js';
import type { RunningService } from '../helpers/services.js';
import { closedImageRun, startStudyStack, type StudyStack } from '../helpers/studies.js';

const PROMPTS = ['a red fox in snow', 'a lighthouse at dusk', 'three green apples', 'a paper boat', 'a city at night', 'a bowl of ramen'];
const GOLD_PROMPT = 'attention check: choose the first image';
let stack: StudyStack;
let s3: TestS3;
let ingest: RunningService;
let api: StudyStack['api'];
const runs: string[] = [];
let openRun: string;

beforeAll(async () => {
  stack = await startStudyStack('study');
  ({ s3, ingest, api } = stack);
  const attributes = (i: number) => ({ category: i % 2 ? 'scene' : 'object' });
  runs.push(
    await closedImageRun(api, { modelVersion: 'gen-v1', prompts: PROMPTS, seed: 10, suite: stack.suite, attributes }),
    await closedImageRun(api, { modelVersion: 'gen-v2', prompts: PROMPTS, seed: 60, suite: stack.suite, attributes }),
  );
  openRun = (await api('POST', '/v1/runs', { name: 'still open', suite: stack.suite })).json.id;
}, 180_000);

afterAll(() => stack?.stop());

const PAIRWISE = () => ({
  name: 'Which image shows the prompt?',
  protocol: 'pairwise',
  runs,
  instructions: 'Choose the image that shows the prompt better.',
  dimensions: [{ key: 'preference', label: 'Which image matches the prompt better?', instructions: 'Compare both with the prompt.' }],
  ratersPerItem: 3,
  quality: { minMedianSeconds: 0, minGoldAnswers: 1 },
  gold: {
    // an attention check: the same pair as a regular item, with a known answer
    items: [
      {
        assets: [
          { runId: runs[0], assetId: 'img-0.png' },
          { runId: runs[1], assetId: 'img-0.png' },
        ],
        prompt: GOLD_PROMPT,
        expected: { preferred: 'a' },
      },
    ],
    rate: 0.5,
  },
});

/** Calls the rater API with a rater's token. */
function rater(studyId: string, token: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ingest.url}/rate/${studyId}/api/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as RaterTaskView & { error?: { code: string } } };
  };
  return {
    task: () => call('GET', 'task'),
    answer: (assignmentId: string, answer: unknown) => call('POST', 'answers', { assignmentId, answer, elapsedMs: 1200 }),
    undo: () => call('POST', 'undo', {}),
  };
}

describe('a pairwise study through the API', () => {
  let studyId: string;
  let tokens: { name: string; token: string; raterId: string }[];
  let study: StudyRecord;

  it('refuses runs it cannot rate, each with its code', async () => {
    const bad = async (body: object) => (await api('POST', '/v1/studies', { ...PAIRWISE(), ...body })).json.error.code;
    expect(await bad({ runs: [runs[0]] })).toBe('validation_failed');
    expect(await bad({ runs: [runs[0], openRun] })).toBe('run_not_closed');
    expect(await bad({ runs: [runs[0], 'run_nope'] })).toBe('run_not_found');
    expect(await bad({ pairBy: 'no_such_attribute' })).toBe('study_empty');
    expect(
      await bad({
        gold: {
          items: [
            {
              assets: [
                { runId: runs[0], assetId: 'nope' },
                { runId: runs[1], assetId: 'img-1.png' },
              ],
              expected: { preferred: 'a' },
            },
          ],
        },
      }),
    ).toBe('validation_failed');
  });

  it('creates the study from the prompts both runs share, and invites raters', async () => {
    const created = await api('POST', '/v1/studies', PAIRWISE());
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    studyId = created.json.id;
    expect(created.json).toMatchObject({ protocol: 'pairwise', items: PROMPTS.length, goldItems: 1, status: 'open' });
    expect(created.json.runs.map((r: { modelVersion: string }) => r.modelVersion)).toEqual(['gen-v1', 'gen-v2']);
    const invited = await api('POST', `/v1/studies/${studyId}/raters`, {
      raters: ['Ada', 'Grace', 'Edsger', 'Clicker'].map((name) => ({ name })),
    });
    expect(invited.status).toBe(201);
    tokens = invited.json.map((i: { name: string; token: string; raterId: string }) => ({
      name: i.name,
      token: i.token,
      raterId: i.raterId,
    }));
    study = (await api('GET', `/v1/studies/${studyId}`)).json;
    expect(new Set(tokens.map((t) => t.token)).size).toBe(4);
  });

  it('serves each rater their own tasks with signed links, and refuses what is not theirs', async () => {
    const [ada, grace] = tokens.map((t) => rater(studyId, t.token));
    const first = await ada.task();
    expect(first.status).toBe(200);
    const task = first.json.task!;
    expect(task.assets.map((a) => a.position)).toEqual(['left', 'right']);
    // the link serves the image, with its type from its bytes; altered, it is refused
    const image = await fetch(`${ingest.url}${task.assets[0].url}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect((await image.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const forged = await fetch(`${ingest.url}${task.assets[0].url.replace(/sig=[^&]+/, 'sig=forged')}`);
    expect(forged.status).toBe(403);
    expect((await forged.json()).error.code).toBe('asset_link_invalid');
    // another rater cannot answer Ada's task; a Likert answer does not fit a pairwise study; a wrong token is refused
    expect((await grace.answer(task.assignmentId, { choice: 'left' })).json.error?.code).toBe('item_not_assigned');
    expect((await ada.answer(task.assignmentId, { ratings: { preference: 3 } })).json.error?.code).toBe('answer_invalid');
    const stranger = await rater(studyId, 'forged-token').task();
    expect(stranger.status).toBe(401);
    expect(stranger.json.error?.code).toBe('rater_token_invalid');
    // a resubmission is answered with the next task, and counted once
    const choice = task.prompt === GOLD_PROMPT && isSwapped(study, 'g-0001', tokens[0].raterId) ? 'right' : 'left';
    const once = await ada.answer(task.assignmentId, { choice });
    expect(once.status).toBe(200);
    expect((await ada.answer(task.assignmentId, { choice })).status).toBe(200);
    expect((await api('GET', `/v1/studies/${studyId}`)).json.counts.answers).toBe(1);
  });

  it('lets every rater work until nothing is left: each item rated by 3, none twice by one rater', async () => {
    // the clicker first, so that it takes a share of the items the others then complete
    for (const { name, token, raterId } of [tokens[3], ...tokens.slice(0, 3)]) {
      const r = rater(studyId, token);
      let view = (await r.task()).json;
      const before = view.progress.answered;
      let n = 0;
      while (view.task) {
        // careful raters pass the attention check (they see which image is the first) and otherwise prefer the
        // more detailed image (the larger PNG of the pair); the clicker always fails the check
        const gold = view.task.prompt === GOLD_PROMPT;
        const firstSide = isSwapped(study, 'g-0001', raterId) ? 'right' : 'left';
        const [left, right] = await Promise.all(
          view.task.assets.map(async (a) => (await (await fetch(`${ingest.url}${a.url}`)).arrayBuffer()).byteLength),
        );
        const careful = gold ? firstSide : left >= right ? 'left' : 'right';
        const choice = name === 'Clicker' ? (firstSide === 'left' ? 'right' : 'left') : careful;
        view = (await r.answer(view.task.assignmentId, { choice })).json;
        n++;
        if (n > 20) throw new Error('a rater got more tasks than the study has');
      }
      expect(view.progress.answered).toBe(before + n);
    }
    const { counts } = (await api('GET', `/v1/studies/${studyId}`)).json;
    expect(counts.itemsComplete).toBe(PROMPTS.length);
    expect(counts.answers - counts.goldAnswers).toBe(PROMPTS.length * 3);
  });

  it('analyses the answers: rater quality, agreement, preferences and calibration of the automated scores', async () => {
    const { status, json } = await api('GET', `/v1/studies/${studyId}/analysis`);
    expect(status).toBe(200);
    const a = json as StudyAnalysis;
    expect(a.raters).toHaveLength(4);
    expect(
      a.raters.filter((r) => r.excluded).map((r) => r.name),
      JSON.stringify(a.raters),
    ).toEqual(['Clicker']);
    expect(a.raters.find((r) => r.name === 'Clicker')!.reasons[0]).toMatch(/^gold accuracy 0\.00/);
    expect(a.agreement[0]).toMatchObject({ dimension: 'preference', level: 'nominal' });
    expect(a.pairwise!.versions.map((v) => v.modelVersion)).toEqual(['gen-v1', 'gen-v2']);
    expect(a.pairwise!.comparisons).toBe(a.included.answers);
    const sharpness = a.calibration.find((c) => c.score === 'sharpness.laplacian_variance');
    expect(sharpness).toMatchObject({ human: 'preference', measure: 'pairwise_accuracy', direction: 'higher' });
  });

  it('exports RLHF pairs, Label Studio tasks and a golden set, and keeps a copy in S3', async () => {
    const get = (file: string) =>
      fetch(`${ingest.url}/v1/studies/${studyId}/exports/${file}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    const rlhf = await get('rlhf-pairs.jsonl');
    expect(rlhf.status).toBe(200);
    for (const line of (await rlhf.text()).trim().split('\n').filter(Boolean)) {
      const pair = JSON.parse(line);
      expect(pair.chosen).toMatch(/^s3:\/\//);
      expect(pair.rejected).toMatch(/^s3:\/\//);
      expect(PROMPTS).toContain(pair.prompt);
    }
    const ls = await (await get('label-studio.json')).json();
    expect(ls.labelConfig).toContain('<Choices');
    expect(ls.tasks).toHaveLength(PROMPTS.length + 1);
    expect((await get('golden-set.json')).status).toBe(200);
    expect((await get('nope.csv')).status).toBe(404);
  });

  it('imports annotations made in Label Studio once, however often the file is sent', async () => {
    const partner = (await api('POST', '/v1/studies', { ...PAIRWISE(), gold: undefined, name: 'rated by a partner' })).json;
    const exported = await (
      await fetch(`${ingest.url}/v1/studies/${partner.id}/exports/label-studio.json`, {
        headers: { authorization: `Bearer ${TEST_API_KEY}` },
      })
    ).json();
    // what the partner's annotator did in Label Studio: "A is better" on every task
    const tasks = exported.tasks.map((t: { id: number; data: object }, i: number) => ({
      ...t,
      annotations: [
        {
          id: 100 + i,
          completed_by: 42,
          result: [{ from_name: 'preference', to_name: 'a', type: 'choices', value: { choices: ['a'] } }],
          lead_time: 3.5,
          created_at: '2026-12-05T10:00:00Z',
        },
      ],
    }));
    const first = await api('POST', `/v1/studies/${partner.id}/imports/label-studio`, tasks);
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json).toMatchObject({ added: PROMPTS.length, replaced: 0, raters: 1 });
    expect((await api('POST', `/v1/studies/${partner.id}/imports/label-studio`, tasks)).json).toMatchObject({
      added: 0,
      replaced: PROMPTS.length,
    });
    expect((await api('GET', `/v1/studies/${partner.id}`)).json.counts.answers).toBe(PROMPTS.length);
    const malformed = await api('POST', `/v1/studies/${partner.id}/imports/label-studio`, { tasks: 'not an array' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe('label_studio_invalid');
  });

  it('closes: answers are then refused, and the analysis and answers stay in S3', async () => {
    const [ada] = tokens.map((t) => rater(studyId, t.token));
    const closed = await api('POST', `/v1/studies/${studyId}/close`);
    expect(closed.json.status).toBe('closed');
    const after = await ada.undo();
    expect(after.status).toBe(409);
    expect(after.json.error?.code).toBe('study_closed');
    expect((await ada.task()).json.error?.code).toBe('study_closed');
    const keys = await s3.store.list('assay', `studies/${studyId}/`);
    expect(keys.map((k) => k.slice(`studies/${studyId}/`.length)).sort()).toEqual(
      expect.arrayContaining(['analysis.json', 'answers.jsonl', 'items.json', 'study.json', 'exports/rlhf-pairs.jsonl']),
    );
  });

  it('exports the judges’ agreement and the answers counted on /metrics, which promtool accepts', async () => {
    const text = await (await fetch(`${ingest.url}/metrics`)).text();
    expect(text).toMatch(new RegExp(`assay_judge_human_agreement\\{[^}]*score="sharpness\\.laplacian_variance"[^}]*study="${studyId}"`));
    const answered = /assay_study_answers_total\{[^}]*protocol="pairwise"[^}]*source="app"[^}]*\} (\d+)/.exec(text);
    const counts = (await api('GET', `/v1/studies/${studyId}`)).json.counts;
    expect(Number(answered![1])).toBe(counts.answers);
    expect(text).toMatch(/assay_study_answers_total\{[^}]*source="label-studio"[^}]*\} 6/);
    const check = spawnSync(promtool(), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });
});
