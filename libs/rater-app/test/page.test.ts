import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RATER_APP_PATHS, RATER_SCRIPT, RATER_STYLES, renderRaterPage } from '@assay/rater-app';

const HOSTILE = `<script>alert(1)</script> "quotes" & 'apostrophes'`;

describe('the rater page shell', () => {
  const page = renderRaterPage({ studyId: `st_1"><img src=x onerror=alert(1)>`, title: HOSTILE });

  it('escapes the study id and title', () => {
    expect(page).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; &#39;apostrophes&#39; · Assay</title>');
    expect(page).toContain('data-study-id="st_1&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<img');
  });

  it('links only its own same-origin script and stylesheet, with no inline script, style or handler', () => {
    const page = renderRaterPage({ studyId: 'st_1', title: 'Prompt faithfulness' });
    const urls = [...page.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.sort()).toEqual([RATER_APP_PATHS.styles, RATER_APP_PATHS.script].sort());
    expect(RATER_APP_PATHS).toEqual({ script: '/rate/_app/rater.js', styles: '/rate/_app/rater.css' });
    const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0][1]).toContain(`src="${RATER_APP_PATHS.script}"`);
    expect(scripts[0][2]).toBe('');
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=|javascript:/i);
  });

  it('has the elements the script fills, a live region and a message for browsers without JavaScript', () => {
    for (const id of ['topbar', 'main', 'announcer']) expect(page).toContain(`id="${id}"`);
    expect(page).toMatch(/<div id="announcer"[^>]*role="status"[^>]*aria-live="polite"/);
    expect(page).toMatch(/<noscript>[^<]*<p[^>]*>This rating page needs JavaScript/);
    expect(page).toContain('<html lang="en">');
  });

  it('falls back to a plain title', () => {
    expect(renderRaterPage({ studyId: 'st_1' })).toContain('<title>Rating · Assay</title>');
  });
});

describe('the script and stylesheet it links', () => {
  it('serves the compiled client as one function that leaves no names on window', () => {
    expect(RATER_SCRIPT.startsWith('(() => {\n"use strict";')).toBe(true);
    expect(RATER_SCRIPT.trimEnd().endsWith('})();')).toBe(true);
    expect(RATER_SCRIPT).toContain('startRaterApp();');
    // parses as JavaScript, and loads nothing from elsewhere
    expect(() => new Script(RATER_SCRIPT, { filename: 'rater.js' })).not.toThrow();
    expect(RATER_SCRIPT).not.toMatch(/https?:\/\//);
    expect(RATER_SCRIPT).not.toMatch(/\b(eval|innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b/);
  });

  it('has a stylesheet with no imports or remote resources', () => {
    expect(RATER_STYLES).toContain(':focus-visible');
    expect(RATER_STYLES).not.toMatch(/@import|url\(/);
  });
});
