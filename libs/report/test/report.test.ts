import { describe, expect, it } from 'vitest';
import { ComparisonResult } from '@assay/contracts';
import { escapeHtml, renderComparisonReport } from '@assay/report';
import { fixtureRecord, fixtureResult, HOSTILE } from './fixture.js';

const result = fixtureResult();
const page = renderComparisonReport({ comparison: fixtureRecord(result), result });

/** The attribute values of every element matching `name="value"` pairs, in document order. */
const attrs = (re: RegExp) => [...page.matchAll(re)].map((m) => m.slice(1));

describe('renderComparisonReport', () => {
  it('the fixture is a valid ComparisonResult', () => {
    expect(() => ComparisonResult.parse(result)).not.toThrow();
  });

  it('is one self-contained document: no script, no external reference', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<html lang="en">');
    expect(page).toMatch(/<title>NO-GO: [^<]+<\/title>/);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/\son[a-z]+\s*=/i);
    expect(page).not.toMatch(/(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(page).not.toMatch(/@import|url\(/i);
  });

  it('escapes every interpolated string', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(page).not.toContain(HOSTILE);
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot;');
    // a hostile score name stays inside its attribute
    expect(page).toContain(
      `data-score="text_legibility &lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; &#39;apostrophes&#39;"`,
    );
  });

  it('prints no NaN, undefined, Infinity or [object …]', () => {
    for (const bad of ['NaN', 'undefined', 'Infinity', '[object', 'null</', '>null<']) expect(page).not.toContain(bad);
  });

  it('carries the verdict, criteria and readings in data attributes', () => {
    expect(attrs(/data-verdict="([^"]*)"/g)).toEqual([['NO_GO']]);
    const criteria = attrs(/data-criterion="([^"]*)"\s+data-outcome="([^"]*)"/g);
    expect(criteria).toHaveLength(6);
    // failing first, then inconclusive, passing and skipped
    expect(criteria.map(([, o]) => o)).toEqual(['fail', 'inconclusive', 'pass', 'pass', 'pass', 'skipped']);
    expect(criteria[0]).toEqual(['non-inferiority-clip-score', 'fail']);
    const rows = attrs(/<tr\s+data-score="([^"]*)"\s+data-reading="([^"]*)"/g);
    expect(rows.map(([s, r]) => [s.split(' ')[0], r])).toEqual([
      ['clip_score', 'worse'],
      ['aesthetic', 'better'],
      ['lpips_artifacts', 'no_detectable_difference'],
      ['text_legibility', 'increased'],
    ]);
    expect(attrs(/<g\s+class="forest-row"\s+data-score="([^"]*)"\s+data-reading="([^"]*)"/g)).toHaveLength(4);
    expect(page).toContain('data-pass-rate="assets"');
    expect(page).toMatch(/data-safety="nsfw_flagged"\s+data-baseline-upper="0.0032"\s+data-candidate-upper="0.0015"/);
    expect(page).toContain('data-quantile="p99"');
    expect(page).toContain('data-excluded="ocr_accuracy" data-reason="candidate_only"');
    expect(page).toContain('data-disparity="style"');
  });

  it('renders missing values as a dash', () => {
    // the skipped criterion has no value and no interval; the p99 latency has no upper bound
    const skipped = page.slice(
      page.indexOf('data-criterion="fairness-style"'),
      page.indexOf('</tr>', page.indexOf('data-criterion="fairness-style"')),
    );
    expect(skipped).toMatch(/<td class="n">—<\/td>/);
    expect(page).toContain('[1.1, —]');
    expect(page).toContain('data-value=""');
    // the null effect size
    expect(page).toContain('d_z = —');
    // an open interval is drawn to the edge with an arrow
    expect(page).toContain('class="open-bound"');
  });

  it('explains the gate level and how to reproduce', () => {
    expect(page).toContain('98.75 % = 1 − α / k with α = 0.05 and k = 4');
    expect(page).toContain(
      'assay compare run_base_2024_11 run_cand_2024_12 --policy image-launch --slices style --seed 1 --resamples 10000',
    );
    expect(page).toContain('data-assay-version="0.7.0"');
    expect(page).toContain('paired analysis: 1,950 pairs');
  });

  it('marks the non-inferiority limit on the score a criterion names', () => {
    const start = page.search(/<g\s+class="forest-row"\s+data-score="clip_score"/);
    expect(start).toBeGreaterThan(0);
    const clip = page.slice(start, page.indexOf('</g>', start));
    expect(clip).toContain('class="margin"');
    expect(page.match(/class="margin"/g)).toHaveLength(1);
  });

  it('shows the distribution shift per feature extractor, labelled by it', () => {
    expect(page).toMatch(/<table data-distribution>/);
    expect(page).toMatch(/data-model="nsfw-mobilenet-v2" data-frechet="12.3456" data-kid="0.0123"/);
    expect(page).toContain('FD_MobileNetV2 12.35');
  });

  it('renders a result with empty optional sections and null estimates', () => {
    const r = fixtureResult();
    const bare = ComparisonResult.parse({
      ...r,
      passRates: [],
      safety: [],
      latency: [],
      slices: [],
      distribution: [],
      excludedScores: [],
      scores: r.scores.map((s) => ({
        ...s,
        difference: { value: null, ci: [null, null], method: 'welch_t' },
        quantiles: { baseline: [], candidate: [] },
      })),
      verdict: { ...r.verdict, outcome: 'INCONCLUSIVE' },
    });
    const out = renderComparisonReport({ comparison: fixtureRecord(bare), result: bare });
    expect(out).toContain('data-verdict="INCONCLUSIVE"');
    for (const id of ['pass-rates', 'safety', 'latency', 'slices', 'excluded']) expect(out).not.toContain(`id="${id}"`);
    for (const bad of ['NaN', 'undefined', 'Infinity']) expect(out).not.toContain(bad);
    expect(out).toContain('No quantiles were recorded');
  });
});
