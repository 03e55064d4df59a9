import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../helpers/services.js';
import { closedImageRun, startStudyStack, type StudyStack } from '../helpers/studies.js';

/**
 * The rater app in a real browser (Debian's chromium) against the real ingest API, Redis and S3: a rater works
 * through a pairwise and a Likert study with the keyboard only, the answers land in the study, the pages pass
 * axe-core, and dead links (another study's token, an expired one) show what an annotator should read.
 */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`rater app browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const LAPTOP = { width: 1366, height: 768 };
const TABLET = { width: 768, height: 1024 };
const PROMPTS = ['a red fox in fresh snow', 'a lighthouse at dusk', 'three green apples on a table'];
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const shots = mkdtempSync(join(tmpdir(), 'assay-rater-screens-'));
let stack: StudyStack;
let ingest: RunningService;
let api: StudyStack['api'];
let browser: Browser;
const runs: string[] = [];
/** page errors and CSP violations, from every page the tests open */
const problems: string[] = [];
const roundTrips: number[] = [];
const firstPaint: { fcp?: number; firstTask?: number } = {};

/** A closed run of one model version: one small image per prompt. */
const closedRun = (modelVersion: string, seed: number) => closedImageRun(api, { modelVersion, prompts: PROMPTS, seed, suite: stack.suite });

/** A study with one rater; answers as fast as a test gives them must not get the rater excluded. */
async function studyWithRater(body: Record<string, unknown>): Promise<{ studyId: string; url: string; token: string }> {
  const study = await api('POST', '/v1/studies', { quality: { minMedianSeconds: 0 }, ratersPerItem: 1, ...body });
  expect(study.status, JSON.stringify(study.json)).toBe(201);
  const invites = await api('POST', `/v1/studies/${study.json.id}/raters`, { raters: [{ name: 'Ada Lovelace' }] });
  expect(invites.status, JSON.stringify(invites.json)).toBe(201);
  const [invite] = invites.json;
  expect(invite.url).toBe(`/rate/${study.json.id}/${invite.token}`);
  return { studyId: study.json.id, url: `${ingest.url}${invite.url}`, token: invite.token };
}

/** Opens a rater link; a refused one (wrong or stale token) still gets the page, with status 401, to explain itself. */
async function openPage(url: string, status = 200): Promise<Page> {
  const page = await browser.newPage({ viewport: LAPTOP });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.text().startsWith('CSP violation')) problems.push(m.text());
  });
  // run by the browser, not the page (its CSP allows no inline script): reports what the CSP blocked
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(url);
  expect(response?.status()).toBe(status);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');
  return page;
}

const answersMeasured = (page: Page) => page.evaluate(() => performance.getEntriesByName('rater:answer').length);

/** Presses the keys, then Enter, and waits for the next screen: one answer sent, as the page measured it. */
async function answerWith(page: Page, ...keys: string[]): Promise<void> {
  const before = await answersMeasured(page);
  for (const key of keys) await page.keyboard.press(key);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => performance.getEntriesByName('rater:answer').length > n, before);
  await expect.poll(() => page.locator('#announcer').textContent()).toContain('Answer saved');
}

/** The screen's state as the rater sees it: the heading, the progress and what is selected. */
const screenState = (page: Page) =>
  page.evaluate(() => ({
    heading: document.querySelector('h1')?.textContent ?? '',
    focused: document.activeElement?.id || document.activeElement?.tagName,
    progress: document.querySelector('.progress label')?.textContent ?? '',
    progressValue: document.querySelector('progress')?.value,
    checked: [...document.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value),
    done: document.querySelector('.task-layout') === null,
  }));

async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    `${what}: ${JSON.stringify(violations)}`,
  ).toEqual([]);
}

/** A screenshot of this screen, and its layout at this size: no sideways scrolling, the pair placed as it should be. */
async function checkLayout(page: Page, name: string, viewport: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(viewport);
  const layout = await page.evaluate(() => {
    const box = (sel: string) =>
      document.querySelector(sel)?.getBoundingClientRect().toJSON() as
        { top: number; bottom: number; left: number; right: number; width: number } | undefined;
    return {
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      left: box('figure[data-position="left"]'),
      right: box('figure[data-position="right"]'),
      submit: box('button[type="submit"]'),
      images: [...document.querySelectorAll('figure img')].map((i) => (i as HTMLImageElement).naturalWidth),
    };
  });
  expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
  expect(layout.images.every((w) => w > 0)).toBe(true);
  if (layout.left && layout.right) {
    if (viewport.width >= 1024) {
      // side by side: same row, left first, each at least a third of the screen wide
      expect(Math.abs(layout.left.top - layout.right.top)).toBeLessThan(2);
      expect(layout.left.right).toBeLessThanOrEqual(layout.right.left);
      expect(layout.left.width).toBeGreaterThan(viewport.width / 3);
    } else {
      expect(layout.right.top).toBeGreaterThanOrEqual(layout.left.bottom);
    }
  }
  // on the laptop the whole task, submit included, fits without scrolling
  if (viewport === LAPTOP) expect(layout.submit!.bottom).toBeLessThanOrEqual(viewport.height);
  const file = join(shots, `${name}-${viewport.width}x${viewport.height}.png`);
  await page.screenshot({ path: file });
  expect(statSync(file).size).toBeGreaterThan(20_000);
  console.log(`rater app screenshot: ${file}`);
  await page.setViewportSize(LAPTOP);
}

async function recordRoundTrips(page: Page): Promise<void> {
  roundTrips.push(...(await page.evaluate(() => performance.getEntriesByName('rater:answer').map((e) => e.duration))));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

beforeAll(async () => {
  stack = await startStudyStack('rater');
  ({ ingest, api } = stack);
  runs.push(await closedRun('gen-v1', 10), await closedRun('gen-v2', 50));
  if (haveChromium) browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  console.log(`rater app screenshots: ${shots}`);
});

describe.skipIf(!haveChromium)('the rater app, in a real browser against the ingest API', () => {
  let pairwise: Awaited<ReturnType<typeof studyWithRater>>;
  let likert: Awaited<ReturnType<typeof studyWithRater>>;

  beforeAll(async () => {
    pairwise = await studyWithRater({
      name: 'Prompt faithfulness: gen-v1 vs gen-v2',
      protocol: 'pairwise',
      runs,
      instructions: 'Two images were made for the prompt above.\nChoose the one that shows the prompt better.',
      dimensions: [
        {
          key: 'preference',
          label: 'Which image matches the prompt better?',
          instructions: 'Look at what the prompt asks for, then at each image. Ignore small differences in colour.',
          examples: [{ description: 'The prompt asks for a fox; only the left image shows one.', answer: 'Left' }],
        },
      ],
    });
    likert = await studyWithRater({
      name: 'Image quality of gen-v1',
      protocol: 'likert',
      runs: [runs[0]],
      instructions: 'Rate the image on both questions.',
      scalePoints: 5,
      dimensions: [
        {
          key: 'faithfulness',
          label: 'How faithful is the image to the prompt?',
          instructions: 'Check the objects, their number and their colours.',
          anchors: ['1 — unrelated', '2 — loosely', '3 — partly', '4 — mostly', '5 — exactly'],
          examples: [{ description: 'Every object is there, one colour is wrong.', answer: '4 — mostly' }],
        },
        {
          key: 'artifacts',
          label: 'How free of artifacts is the image?',
          instructions: 'Look for seams, smears and distorted shapes.',
          anchors: ['1 — broken', '2', '3', '4', '5 — clean'],
        },
      ],
    });
  }, 60_000);

  it('a rater completes a pairwise study with the keyboard only, undoing one answer on the way', async () => {
    const page = await openPage(pairwise.url);
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
    });
    await page.waitForSelector('#task-heading');
    await page.waitForFunction(() => performance.getEntriesByName('rater:first-task').length === 1);
    Object.assign(
      firstPaint,
      await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
        firstTask: performance.getEntriesByName('rater:first-task')[0]?.startTime,
      })),
    );
    let state = await screenState(page);
    const target = Number(/of (\d+)/.exec(state.progress)![1]);
    expect(target).toBe(PROMPTS.length);
    expect(state).toMatchObject({
      heading: `Task 1 of ${target}`,
      focused: 'task-heading',
      progress: `Progress: 0 of ${target}`,
      checked: [],
    });
    expect(await page.title()).toBe('Prompt faithfulness: gen-v1 vs gen-v2 · Assay');
    expect(await page.locator('figcaption').allTextContents()).toEqual(['Left (1)', 'Right (2)']);
    expect(await page.locator('.prompt').textContent()).toMatch(new RegExp(PROMPTS.join('|')));
    expect(await page.locator('details.examples summary').textContent()).toBe('Examples (1)');
    await expectAccessible(page, 'pairwise task');
    await checkLayout(page, 'pairwise', LAPTOP);
    await checkLayout(page, 'pairwise', TABLET);

    // Enter with nothing chosen sends nothing and says why
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.notice').textContent()).toContain('Which image matches the prompt better?');
    expect(posts).toEqual([]);

    await answerWith(page, 'ArrowLeft');
    state = await screenState(page);
    expect(state).toMatchObject({
      heading: `Task 2 of ${target}`,
      focused: 'task-heading',
      progress: `Progress: 1 of ${target}`,
      progressValue: 1,
    });
    await answerWith(page, '2');
    expect((await screenState(page)).heading).toBe(`Task 3 of ${target}`);

    // u reopens the last answer with its choice selected; the new choice replaces it
    await page.keyboard.press('u');
    await page.waitForSelector('.reopened');
    expect(await screenState(page)).toMatchObject({ heading: `Task 2 of ${target}`, focused: 'task-heading', checked: ['right'] });
    await answerWith(page, 't');
    expect((await screenState(page)).heading).toBe(`Task 3 of ${target}`);

    // a second Enter while the answer is in flight sends nothing more
    await page.keyboard.press('1');
    const before = await answersMeasured(page);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => performance.getEntriesByName('rater:answer').length > n, before);
    await page.waitForSelector('text=All done — thank you!');
    expect(await screenState(page)).toMatchObject({ focused: 'H1', progress: `Progress: ${target} of ${target}`, done: true });
    expect(posts).toEqual([
      ...Array(2).fill(`/rate/${pairwise.studyId}/api/answers`),
      `/rate/${pairwise.studyId}/api/undo`,
      ...Array(target - 1).fill(`/rate/${pairwise.studyId}/api/answers`),
    ]);
    await recordRoundTrips(page);
    await page.close();

    const study = await api('GET', `/v1/studies/${pairwise.studyId}`);
    expect(study.status).toBe(200);
    expect(study.json.counts).toMatchObject({ raters: 1, answers: target });
    const analysis = await api('GET', `/v1/studies/${pairwise.studyId}/analysis`);
    expect(analysis.status, JSON.stringify(analysis.json)).toBe(200);
    expect(analysis.json).toMatchObject({ studyId: pairwise.studyId, protocol: 'pairwise' });
    expect(analysis.json.raters).toEqual([expect.objectContaining({ name: 'Ada Lovelace', answers: target, excluded: false })]);
    // left, then the undone right replaced by a tie, then left: one tie among three comparisons
    const versions: { ties: number; comparisons: number }[] = analysis.json.pairwise.versions;
    expect(versions.map((v) => [v.ties, v.comparisons])).toEqual([
      [1, target],
      [1, target],
    ]);
  });

  it('a rater completes a Likert study of two dimensions with the keyboard only', async () => {
    const page = await openPage(likert.url);
    await page.waitForSelector('#task-heading');
    const target = Number(/of (\d+)/.exec((await screenState(page)).progress)![1]);
    expect(target).toBe(PROMPTS.length);
    expect(await page.locator('fieldset legend').allTextContents()).toEqual([
      'How faithful is the image to the prompt?',
      'How free of artifacts is the image?',
    ]);
    expect(await page.locator('fieldset[data-dimension="faithfulness"] .choice-hint').allTextContents()).toEqual([
      'unrelated',
      'loosely',
      'partly',
      'mostly',
      'exactly',
    ]);
    await expectAccessible(page, 'Likert task');
    await checkLayout(page, 'likert', LAPTOP);
    await checkLayout(page, 'likert', TABLET);

    // one rating is not an answer: Enter sends nothing and points at the question left
    await page.keyboard.press('4');
    expect(await page.evaluate(() => document.activeElement?.closest('fieldset')?.getAttribute('data-dimension'))).toBe('artifacts');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.notice').textContent()).toContain('How free of artifacts is the image?');
    await answerWith(page, '5');
    await answerWith(page, '2', '3');
    // a number rates the question holding focus: Shift+Tab back from submit to the first one and change it
    await page.keyboard.press('3');
    await page.keyboard.press('1');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('submit');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('2');
    expect(await screenState(page)).toMatchObject({ checked: ['2', '1'] });
    await page.keyboard.press('Enter');
    await page.waitForSelector('text=All done — thank you!');
    await recordRoundTrips(page);
    await page.close();

    const study = await api('GET', `/v1/studies/${likert.studyId}`);
    expect(study.json.counts).toMatchObject({ raters: 1, answers: target });
    const analysis = await api('GET', `/v1/studies/${likert.studyId}/analysis`);
    expect(analysis.status, JSON.stringify(analysis.json)).toBe(200);
    const means = Object.fromEntries(
      (analysis.json.likert as { dimension: string; versions: { mean: { estimate: number } }[] }[]).map((d) => [
        d.dimension,
        d.versions[0].mean.estimate,
      ]),
    );
    expect(means.faithfulness).toBeCloseTo((4 + 2 + 2) / 3, 10);
    expect(means.artifacts).toBeCloseTo((5 + 3 + 1) / 3, 10);
  });

  it("another study's token shows the invalid-link message; the API answers 401 rater_token_invalid", async () => {
    const page = await openPage(`${ingest.url}/rate/${likert.studyId}/${pairwise.token}`, 401);
    await page.waitForSelector('.message-screen');
    expect(await page.locator('h1').textContent()).toBe('This link is not valid');
    expect(await page.locator('.message-screen').textContent()).toContain('ask the study owner for a new one');
    expect(await page.locator('.task-layout, .undo').count()).toBe(0);
    await page.close();
    const res = await fetch(`${ingest.url}/rate/${likert.studyId}/api/task`, { headers: { authorization: `Bearer ${pairwise.token}` } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rater_token_invalid');
  });

  it('an expired link says so and what to do; the API answers 401 rater_token_expired', async () => {
    const stale = await studyWithRater({
      name: 'Short-lived links',
      protocol: 'pairwise',
      runs,
      instructions: 'Choose the better image.',
      tokenTtlHours: 0.001,
      dimensions: [{ key: 'preference', label: 'Which is better?', instructions: 'Compare them.' }],
    });
    await new Promise((r) => setTimeout(r, 4_000));
    const page = await openPage(stale.url, 401);
    await page.waitForSelector('.message-screen');
    expect(await page.locator('h1').textContent()).toBe('This link has expired');
    expect(await page.locator('.message-screen p').textContent()).toBe('This link has expired; ask the study owner for a new one.');
    await page.close();
    const res = await fetch(`${ingest.url}/rate/${stale.studyId}/api/task`, { headers: { authorization: `Bearer ${stale.token}` } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rater_token_expired');
  });

  it('a study closed while a task is on screen thanks the rater instead of taking the answer', async () => {
    const closing = await studyWithRater({
      name: 'Closed early',
      protocol: 'pairwise',
      runs,
      instructions: 'Choose the better image.',
      dimensions: [{ key: 'preference', label: 'Which is better?', instructions: 'Compare them.' }],
    });
    const page = await openPage(closing.url);
    await page.waitForSelector('#task-heading');
    expect((await api('POST', `/v1/studies/${closing.studyId}/close`)).json.status).toBe('closed');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.message-screen');
    expect(await page.locator('h1').textContent()).toBe('This study is closed');
    expect(await page.locator('#announcer').textContent()).toContain('This study is closed');
    expect(await page.locator('.task-layout, .undo').count()).toBe(0);
    // opened again, the page says so too (the API answers 409 study_closed)
    await page.reload();
    await page.waitForSelector('.message-screen');
    expect(await page.locator('h1').textContent()).toBe('This study is closed');
    await page.close();
    expect((await api('GET', `/v1/studies/${closing.studyId}`)).json.counts.answers).toBe(0);
  });

  it('ran every page without a script error or CSP violation, and reports its timings', () => {
    expect(problems).toEqual([]);
    expect(firstPaint.fcp).toBeGreaterThan(0);
    expect(firstPaint.firstTask).toBeGreaterThanOrEqual(firstPaint.fcp!);
    expect(roundTrips.length).toBe(2 * PROMPTS.length + 1);
    console.log(
      `rater app: first task painted in ${firstPaint.firstTask!.toFixed(0)} ms (first contentful paint ${firstPaint.fcp!.toFixed(0)} ms); ` +
        `answer round trip median ${median(roundTrips).toFixed(1)} ms over ${roundTrips.length} answers`,
    );
  });
});
