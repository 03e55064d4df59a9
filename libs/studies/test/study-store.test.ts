import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { AssayError, type StudyAnswer, type StudyItem, type StudyRecord } from '@assay/contracts';
import { StudyStore, toStudyAnswer } from '@assay/studies';
import { dropPrefix, REDIS_URL, testPrefix } from '../../../test/helpers/env.js';
import { makeItems, studyRecord } from './fixtures.js';

const prefix = testPrefix('study');
const redis = new Redis(REDIS_URL);
const store = new StudyStore(redis, prefix);
afterAll(async () => {
  await dropPrefix(prefix);
  redis.disconnect();
});

async function setup(over: Parameters<typeof studyRecord>[0], gold: StudyItem[] = []) {
  const study = studyRecord(over);
  const items = makeItems(study, study.items);
  await store.create(study, [...items, ...gold]);
  return { study, items };
}

async function invite(study: StudyRecord, n: number, now = new Date()) {
  return store.invite(
    study,
    Array.from({ length: n }, (_, i) => ({ name: `rater ${i + 1}` })),
    now,
  );
}

const rating = (study: StudyRecord, item: StudyItem, raterId: string, assignmentId: string, value = 3): StudyAnswer =>
  toStudyAnswer(study, item, raterId, { assignmentId, answer: { ratings: { quality: value } }, elapsedMs: 2000 }, new Date());

/** A rater answering every task they get until there is none; returns the items they answered. */
async function work(study: StudyRecord, raterId: string): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const next = await store.assign(study, raterId, new Date(), false);
    if (next.kind === 'done') return seen;
    const { assignmentId, item } = next.assignment;
    expect(await store.answer(study, rating(study, item, raterId, assignmentId))).toBe('ok');
    seen.push(item.id);
  }
}

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e as AssayError).code,
  );

describe('task assignment', () => {
  it('gives every item to exactly ratersPerItem raters, none twice to one rater, with raters working concurrently', async () => {
    const { study } = await setup({ ratersPerItem: 3, items: 40 });
    const raters = await invite(study, 7);
    const done = await Promise.all(raters.map(({ rater }) => work(study, rater.raterId)));
    for (const items of done) expect(new Set(items).size).toBe(items.length);
    const answers = await store.answers(study.id);
    expect(answers).toHaveLength(120);
    const perItem = new Map<string, number>();
    for (const a of answers) perItem.set(a.itemId, (perItem.get(a.itemId) ?? 0) + 1);
    expect(perItem.size).toBe(40);
    expect([...perItem.values()].every((n) => n === 3)).toBe(true);
    // balanced: pulling concurrently, no rater takes far more than their share (120 / 7 ≈ 17)
    expect(Math.max(...done.map((d) => d.length))).toBeLessThanOrEqual(40);
    expect(done.reduce((s, d) => s + d.length, 0)).toBe(120);
  });

  it('serves the open task again instead of a new one, and counts a resubmitted answer once', async () => {
    const { study } = await setup({ items: 5 });
    const [{ rater }] = await invite(study, 1);
    const first = await store.assign(study, rater.raterId, new Date(), false);
    const again = await store.assign(study, rater.raterId, new Date(), false);
    if (first.kind !== 'task' || again.kind !== 'task') throw new Error('expected tasks');
    expect(again.assignment.assignmentId).toBe(first.assignment.assignmentId);
    const answer = rating(study, first.assignment.item, rater.raterId, first.assignment.assignmentId);
    expect(await store.answer(study, answer)).toBe('ok');
    expect(await store.answer(study, answer)).toBe('duplicate');
    expect(await store.answeredBy(study.id, rater.raterId)).toBe(1);
    expect(await store.answers(study.id)).toHaveLength(1);
  });

  it("refuses an answer for another rater's task, an unknown task and a released one", async () => {
    const { study } = await setup({ items: 5, leaseMinutes: 1 });
    const [a, b] = await invite(study, 2);
    const task = await store.assign(study, a.rater.raterId, new Date(), false);
    if (task.kind !== 'task') throw new Error('expected a task');
    const { item, assignmentId } = task.assignment;
    expect(await codeOf(store.answer(study, rating(study, item, b.rater.raterId, assignmentId)))).toBe('item_not_assigned');
    expect(await codeOf(store.answer(study, rating(study, item, a.rater.raterId, 'asg_unknown')))).toBe('item_not_assigned');
    // a's lease runs out; b's next request releases it and b may get that very item
    const later = new Date(Date.now() + 61_000);
    const taken = await store.assign(study, b.rater.raterId, later, false);
    expect(taken.kind).toBe('task');
    expect(await codeOf(store.answer(study, rating(study, item, a.rater.raterId, assignmentId)))).toBe('item_not_assigned');
    expect(await store.answers(study.id)).toHaveLength(0);
  });

  it('puts an abandoned item back in the pool once its lease expires', async () => {
    const { study } = await setup({ items: 1, ratersPerItem: 1, leaseMinutes: 1 });
    const [a, b] = await invite(study, 2);
    expect((await store.assign(study, a.rater.raterId, new Date(), false)).kind).toBe('task');
    expect((await store.assign(study, b.rater.raterId, new Date(), false)).kind).toBe('done');
    const later = await store.assign(study, b.rater.raterId, new Date(Date.now() + 61_000), false);
    expect(later.kind).toBe('task');
  });

  it('undo reopens the last answer with its value, withdraws it, and returns the open task to the pool', async () => {
    const { study } = await setup({ items: 3, ratersPerItem: 1 });
    const [{ rater }, other] = await invite(study, 2);
    const t1 = await store.assign(study, rater.raterId, new Date(), false);
    if (t1.kind !== 'task') throw new Error('expected a task');
    await store.answer(study, rating(study, t1.assignment.item, rater.raterId, t1.assignment.assignmentId, 5));
    const t2 = await store.assign(study, rater.raterId, new Date(), false);
    if (t2.kind !== 'task') throw new Error('expected a task');
    expect(await store.canUndo(study.id, rater.raterId)).toBe(true);
    const reopened = await store.undo(study, rater.raterId, new Date());
    expect(reopened.assignmentId).toBe(t1.assignment.assignmentId);
    expect(reopened.previous?.value).toEqual({ ratings: { quality: 5 } });
    expect(await store.answers(study.id)).toHaveLength(0);
    expect(await store.answeredBy(study.id, rater.raterId)).toBe(0);
    // the task that was on screen went back: with one rater per item, the other rater can now get it
    const otherWork = await work(study, other.rater.raterId);
    expect(otherWork).toContain(t2.assignment.item.id);
    await store.answer(study, rating(study, reopened.item, rater.raterId, reopened.assignmentId, 4));
    const answers = await store.answers(study.id);
    expect(answers.find((a) => a.raterId === rater.raterId)?.value).toEqual({ ratings: { quality: 4 } });
  });

  it('mixes gold items in when asked, never the same one twice to a rater', async () => {
    const base = studyRecord({ items: 4 });
    const gold: StudyItem[] = [1, 2].map((g) => ({
      ...makeItems(base, 1)[0],
      id: `g-000${g}`,
      gold: true,
      expected: { ratings: { quality: { min: 1, max: 2 } } },
    }));
    const { study } = await setup({ items: 4, goldItems: 2, goldRate: 0.2 }, gold);
    const [{ rater }] = await invite(study, 1);
    const served: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await store.assign(study, rater.raterId, new Date(), true);
      if (t.kind !== 'task') throw new Error('expected a task');
      served.push(t.assignment.item.id);
      await store.answer(study, rating(study, t.assignment.item, rater.raterId, t.assignment.assignmentId));
    }
    // two gold items, then (none left) a regular one
    expect(served.filter((id) => id.startsWith('g-')).sort()).toEqual(['g-0001', 'g-0002']);
    expect(served[2]).toMatch(/^i-/);
  });

  it('refuses answers and tasks once the study is closed, keeping what was answered', async () => {
    const { study } = await setup({ items: 2 });
    const [{ rater }] = await invite(study, 1);
    const t = await store.assign(study, rater.raterId, new Date(), false);
    if (t.kind !== 'task') throw new Error('expected a task');
    const closed = await store.close(study.id, new Date().toISOString());
    expect(closed.status).toBe('closed');
    expect(await codeOf(store.answer(closed, rating(closed, t.assignment.item, rater.raterId, t.assignment.assignmentId)))).toBe(
      'study_closed',
    );
    expect(await codeOf(store.assign(closed, rater.raterId, new Date(), false))).toBe('study_closed');
    expect(await codeOf(store.undo(closed, rater.raterId, new Date()))).toBe('study_closed');
  });
});

describe('rater tokens', () => {
  it('know their study and their expiry', async () => {
    const { study: a } = await setup({ items: 1, tokenTtlHours: 1 });
    const { study: b } = await setup({ items: 1 });
    const now = new Date();
    const [{ rater, token }] = await invite(a, 1, now);
    expect((await store.raterForToken(a.id, token, now)).raterId).toBe(rater.raterId);
    expect(await codeOf(store.raterForToken(b.id, token, now))).toBe('rater_token_invalid');
    expect(await codeOf(store.raterForToken(a.id, 'not-a-token', now))).toBe('rater_token_invalid');
    expect(await codeOf(store.raterForToken(a.id, '', now))).toBe('rater_token_invalid');
    expect(await codeOf(store.raterForToken(a.id, token, new Date(now.getTime() + 3_600_001)))).toBe('rater_token_expired');
  });
});

describe('imports', () => {
  it('keep one answer per item and rater: importing the same file twice adds nothing', async () => {
    const { study, items } = await setup({ items: 3, ratersPerItem: 2 });
    const answers = items.map((item) => ({ ...rating(study, item, 'ls:7', `ls:${item.id}`), source: 'label-studio' as const }));
    expect(await store.importAnswers(study, answers)).toEqual({ added: 3, replaced: 0 });
    expect(await store.importAnswers(study, answers)).toEqual({ added: 0, replaced: 3 });
    expect(await store.answers(study.id)).toHaveLength(3);
    expect(await store.answeredBy(study.id, 'ls:7')).toBe(3);
    // imported ratings count toward ratersPerItem: one app rater is enough to finish every item
    const [{ rater }] = await invite(study, 1);
    expect(await work(study, rater.raterId)).toHaveLength(3);
    const [{ rater: late }] = await invite(study, 1);
    expect(await work(study, late.raterId)).toHaveLength(0);
  });
});
