import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderExperimentReport } from '@assay/experiment-report';
import { causalAnalysis, passingExperiment, srmFailedExperiment } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`experiment report browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const passing = passingExperiment();
const failed = srmFailedExperiment();
const PAGES = {
  passing: renderExperimentReport(passing),
  blocked: renderExperimentReport(failed),
  causal: renderExperimentReport({ ...passing, causal: causalAnalysis(passing.experiment.id) }),
};

describe.skipIf(!haveChromium)('the experiment report in a real browser', () => {
  let browser: Browser;
  const shots = mkdtempSync(join(tmpdir(), 'assay-experiment-report-'));

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A fresh page with the report set as its content, recording console messages, page errors and requests. */
  async function open(html: string, width = 1280): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => problems.push(`console ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('about:')) problems.push(`request: ${r.url()}`);
    });
    await page.setContent(html, { waitUntil: 'load' });
    return { page, problems };
  }

  for (const [name, html] of Object.entries(PAGES)) {
    describe(name, () => {
      let page: Page;
      let problems: string[];
      beforeAll(async () => {
        writeFileSync(join(shots, `${name}.html`), html);
        ({ page, problems } = await open(html));
      });
      afterAll(async () => {
        await page?.close();
      });

      it('loads with no console message, error or request, and runs no script', async () => {
        await page.waitForTimeout(100);
        expect(problems).toEqual([]);
        expect(await page.evaluate(() => document.scripts.length)).toBe(0);
      });

      it('draws every SVG with a size and an accessible name', async () => {
        const svgs = await page.$$eval('svg', (els) =>
          els.map((s) => {
            const r = s.getBoundingClientRect();
            const id = s.getAttribute('aria-labelledby');
            return {
              w: r.width,
              h: r.height,
              role: s.getAttribute('role'),
              name: id ? (document.getElementById(id)?.textContent ?? '') : '',
            };
          }),
        );
        expect(svgs.length).toBeGreaterThanOrEqual(3);
        for (const s of svgs) {
          expect(s.w).toBeGreaterThan(100);
          expect(s.h).toBeGreaterThan(50);
          expect(s.role).toBe('img');
          expect(s.name.trim().length).toBeGreaterThan(20);
        }
      });

      it('passes axe-core with no serious or critical violation', async () => {
        await page.evaluate(axeSource);
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } })
            .axe;
          return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
        });
        expect(
          violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
          JSON.stringify(violations),
        ).toEqual([]);
      });

      for (const width of [1280, 768]) {
        it(`has no horizontal overflow at ${width} px`, async () => {
          await page.setViewportSize({ width, height: 900 });
          const { scroll, client } = await page.evaluate(() => ({
            scroll: document.documentElement.scrollWidth,
            client: document.documentElement.clientWidth,
          }));
          expect(scroll).toBeLessThanOrEqual(client);
          const file = join(shots, `${name}-${width}.png`);
          await page.screenshot({ path: file, fullPage: true });
          expect(statSync(file).size).toBeGreaterThan(30_000);
          console.log(`experiment report screenshot (${name}, ${width} px): ${file}`);
        });
      }
    });
  }

  it('shows the blocking banner above the results of the SRM-failed experiment, and none on the passing one', async () => {
    const blocked = await open(PAGES.blocked);
    const banner = blocked.page.locator('[data-blocked="srm_failed"]');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.innerText()).toContain('must not be trusted');
    const bannerBox = (await banner.boundingBox())!;
    const liftBox = (await blocked.page.locator('#lift').boundingBox())!;
    expect(bannerBox.y + bannerBox.height).toBeLessThan(liftBox.y);
    // the banner sits within the first screen
    expect(bannerBox.y).toBeLessThan(900);
    expect(await blocked.page.locator('[data-blocked-tag]').count()).toBe(3);
    expect(await blocked.page.locator('h1').innerText()).toContain('<script>alert(1)</script>');
    await blocked.page.close();
    const ok = await open(PAGES.passing);
    expect(await ok.page.locator('[data-blocked]').count()).toBe(0);
    await ok.page.close();
  });

  it('places the forest bars in the order of their intervals, zero between a clear winner and loser', async () => {
    const { page } = await open(PAGES.passing);
    const rows = await page.$$eval('#lift-forest g.forest-row', (gs) =>
      gs.map((g) => {
        const bar = g.querySelector('line.ci')!.getBoundingClientRect();
        return {
          metric: g.getAttribute('data-metric'),
          variant: g.getAttribute('data-variant'),
          lift: Number(g.getAttribute('data-lift')),
          left: bar.left,
          right: bar.right,
        };
      }),
    );
    expect(rows).toHaveLength(6);
    for (const r of rows) expect(r.left).toBeLessThan(r.right);
    const zero = (await page.locator('#lift-forest line.zero').boundingBox())!;
    const winner = rows.find((r) => r.metric === 'ctr' && r.variant === 'warm_palette')!;
    const loser = rows.find((r) => r.metric === 'revenue_per_user' && r.variant === 'bold_text')!;
    expect(winner.left).toBeGreaterThan(zero.x);
    expect(loser.right).toBeLessThan(zero.x);
    await page.close();
  });
});
