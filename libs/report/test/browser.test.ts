import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderComparisonReport } from '@assay/report';
import { fixtureRecord, fixtureResult } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`report browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

describe.skipIf(!haveChromium)('the report in a real browser under its CSP', () => {
  const result = fixtureResult();
  const report = renderComparisonReport({ comparison: fixtureRecord(result), result });
  let server: Server;
  let url: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const shots = mkdtempSync(join(tmpdir(), 'assay-report-'));

  beforeAll(async () => {
    writeFileSync(join(shots, 'report.html'), report);
    console.log(`report HTML: ${join(shots, 'report.html')}`);
    server = createServer((req, res) => {
      if (req.url !== '/report.html') {
        problems.push(`unexpected request ${req.url}`);
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': CSP }).end(report);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/report.html`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => problems.push(`console ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('request', (r) => {
      if (r.url() !== url) problems.push(`request: ${r.url()}`);
    });
    // the page has no script of its own: this init script (run by the browser, not the page's CSP) records violations
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response?.headers()['content-security-policy']).toBe(CSP);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('loads with no console message, CSP violation or request beyond the page', async () => {
    // a violation the init script could miss still shows as a console message from the browser itself
    await page.waitForTimeout(200);
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => document.scripts.length)).toBe(0);
  });

  it('shows the verdict as text', async () => {
    const verdict = page.locator('[data-verdict]');
    await expect(verdict.getAttribute('data-verdict')).resolves.toBe('NO_GO');
    expect(await verdict.isVisible()).toBe(true);
    expect(await verdict.innerText()).toContain('NO-GO');
    expect(await page.title()).toContain('NO-GO');
    // the hostile run name shows as text, not markup
    expect(await page.locator('h1').innerText()).toContain('<script>alert(1)</script> "quotes"');
  });

  it('lists the criteria, the failing one first', async () => {
    const rows = page.locator('table.criteria tbody tr[data-criterion]');
    expect(await rows.count()).toBe(result.verdict.criteria.length);
    const first = rows.first();
    expect(await first.getAttribute('data-criterion')).toBe('non-inferiority-clip-score');
    expect(await first.getAttribute('data-outcome')).toBe('fail');
    expect(await first.locator('td.outcome').innerText()).toContain('fail');
  });

  it('draws one forest row per score, bars placed in the order of their interval bounds', async () => {
    const rows = await page.$$eval('svg.forest g.forest-row', (gs) =>
      gs.map((g) => {
        const bar = g.querySelector('line.ci')!.getBoundingClientRect();
        const est = g.querySelector('circle.est')!.getBoundingClientRect();
        return {
          score: g.getAttribute('data-score'),
          lo: g.getAttribute('data-ci-lo'),
          hi: g.getAttribute('data-ci-hi'),
          left: bar.left,
          right: bar.right,
          centre: est.left + est.width / 2,
        };
      }),
    );
    expect(rows.map((r) => r.score)).toEqual(result.scores.map((s) => s.score));
    for (const r of rows) {
      expect(r.left).toBeLessThan(r.right);
      expect(r.centre).toBeGreaterThanOrEqual(r.left);
      expect(r.centre).toBeLessThanOrEqual(r.right);
    }
    const withLo = rows.filter((r) => r.lo !== '');
    const byBound = [...withLo].sort((a, b) => Number(a.lo) - Number(b.lo)).map((r) => r.score);
    const byPixel = [...withLo].sort((a, b) => a.left - b.left).map((r) => r.score);
    expect(byPixel).toEqual(byBound);
    const withHi = rows.filter((r) => r.hi !== '');
    expect([...withHi].sort((a, b) => a.right - b.right).map((r) => r.score)).toEqual(
      [...withHi].sort((a, b) => Number(a.hi) - Number(b.hi)).map((r) => r.score),
    );
    // zero sits between the worse score's interval (all below) and the better one's (all above)
    const zero = await page.locator('svg.forest line.zero').boundingBox();
    const worse = rows.find((r) => r.score === 'clip_score')!;
    const better = rows.find((r) => r.score === 'aesthetic')!;
    expect(worse.right).toBeLessThan(zero!.x);
    expect(better.left).toBeGreaterThan(zero!.x);
    expect(await page.locator('svg.forest').getAttribute('role')).toBe('img');
    expect(await page.locator('svg.ecdf').count()).toBe(result.scores.length);
  });

  for (const width of [1280, 768]) {
    it(`has no horizontal overflow at ${width} px and screenshots well`, async () => {
      await page.setViewportSize({ width, height: 900 });
      const { scroll, client } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(scroll).toBeLessThanOrEqual(client);
      const file = join(shots, `report-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      expect(statSync(file).size).toBeGreaterThan(50_000);
      console.log(`report screenshot (${width} px): ${file}`);
    });
  }

  it('prints to PDF', async () => {
    const file = join(shots, 'report.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: file, format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    expect(statSync(file).size).toBeGreaterThan(20_000);
    console.log(`report PDF: ${file}`);
  });
});
