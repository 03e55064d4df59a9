import { describe, expect, it } from 'vitest';
import { CausalAnalysis, ExperimentAnalysis } from '@assay/contracts';
import { renderExperimentReport } from '@assay/experiment-report';
import { causalAnalysis, HOSTILE, passingExperiment, srmFailedExperiment } from './fixture.js';

const passing = passingExperiment();
const failed = srmFailedExperiment();
const causal = causalAnalysis(passing.experiment.id);
const pages = {
  passing: renderExperimentReport(passing),
  failed: renderExperimentReport(failed),
  causal: renderExperimentReport({ ...passing, causal }),
};

const count = (page: string, re: RegExp) => [...page.matchAll(re)].length;
/** The text between a section heading's id and the end of its section. */
const section = (page: string, id: string) => {
  const at = page.indexOf(`id="${id}"`);
  return page.slice(at, page.indexOf('</section>', at));
};

describe('renderExperimentReport', () => {
  it('the fixtures are valid analyses', () => {
    expect(() => ExperimentAnalysis.parse(passing.analysis)).not.toThrow();
    expect(() => ExperimentAnalysis.parse(failed.analysis)).not.toThrow();
    expect(() => CausalAnalysis.parse(causal)).not.toThrow();
  });

  for (const [name, page] of Object.entries(pages)) {
    it(`${name}: one self-contained document, no script, no external reference, no unformatted value`, () => {
      expect(page.startsWith('<!doctype html>')).toBe(true);
      expect(page).toContain('<html lang="en">');
      expect(page).not.toMatch(/<script/i);
      expect(page).not.toMatch(/\son[a-z]+\s*=/i);
      expect(page).not.toMatch(/https?:/i);
      expect(page).not.toMatch(/(src|href)\s*=/i);
      expect(page).not.toMatch(/@import|url\(/i);
      for (const bad of ['NaN', 'undefined', 'Infinity', '[object', '>null<']) expect(page).not.toContain(bad);
    });

    it(`${name}: every SVG is an image with a title`, () => {
      const svgs = page.match(/<svg[^>]*>\s*<title id="[^"]+">[^<]+<\/title>/g) ?? [];
      expect(svgs.length).toBe(count(page, /<svg/g));
      for (const s of svgs) {
        expect(s).toContain('role="img"');
        const id = /aria-labelledby="([^"]+)"/.exec(s)?.[1];
        expect(s).toContain(`<title id="${id}">`);
      }
      // every table header names its scope
      expect(count(page, /<th(?![^>]*scope=)[\s>]/g)).toBe(0);
    });
  }

  it('puts the SRM check before any result, with its statistics', () => {
    const page = pages.passing;
    expect(page.indexOf('id="srm"')).toBeLessThan(page.indexOf('id="decisions"'));
    expect(page.indexOf('id="decisions"')).toBeLessThan(page.indexOf('id="lift"'));
    expect(page.indexOf('id="lift"')).toBeLessThan(page.indexOf('id="timeline"'));
    expect(page.indexOf('id="timeline"')).toBeLessThan(page.indexOf('id="plan"'));
    expect(page.indexOf('id="plan"')).toBeLessThan(page.indexOf('id="notes"'));
    expect(page).toContain('data-srm="pass"');
    expect(page).toContain('✓ SRM check passed');
    const { srm } = passing.analysis;
    expect(srm.pValue).toBeGreaterThan(0.1);
    expect(page).toContain(`<span data-srm-p>${srm.pValue.toFixed(2)}</span>`);
    expect(page).toContain(`χ²(2) = ${Number(srm.statistic.toPrecision(3))}`);
    expect(page).toContain('threshold 0.001');
    expect(count(page, /<g class="srm-bar"/g)).toBe(3);
  });

  it('shows the blocking banner only when the analysis is blocked', () => {
    expect(pages.passing).not.toContain('data-blocked=');
    expect(pages.passing).not.toContain('data-blocked-tag');
    expect(pages.passing).toContain('<div class="readout">');
    const page = pages.failed;
    expect(page).toContain('data-blocked="srm_failed"');
    expect(page).toContain('data-srm="fail"');
    expect(page).toContain('<span data-srm-p>&lt;0.001</span>');
    expect(page).toContain('Readout blocked: sample ratio mismatch');
    expect(page).toContain('must not be trusted');
    expect(page).toContain('Sample ratio mismatch: χ² = 18.6');
    // the banner comes before the SRM section and every result; results are still shown, muted and tagged
    expect(page.indexOf('data-blocked="srm_failed"')).toBeLessThan(page.indexOf('id="srm"'));
    expect(page).toContain('<div class="readout readout-blocked">');
    expect(count(page, /data-blocked-tag/g)).toBe(3);
    expect(page).toContain('data-decision="blocked"');
    expect(page).toContain('<title>BLOCKED: ');
  });

  it('draws one forest row per metric and treatment, grouped primary, secondary, guardrail', () => {
    const page = pages.passing;
    const results = passing.analysis.comparisons.flatMap((c) => c.metrics);
    expect(results).toHaveLength(6);
    const forest = page.slice(page.indexOf('id="lift-forest"'), page.indexOf('</svg>', page.indexOf('id="lift-forest"')));
    const rows = [...forest.matchAll(/<g class="forest-row" data-metric="([^"]+)" data-variant="([^"]+)" data-role="([^"]+)"/g)].map((m) =>
      m.slice(1),
    );
    expect(rows).toEqual([
      ['ctr', 'warm_palette', 'primary'],
      ['ctr', 'bold_text', 'primary'],
      ['purchases_per_user', 'warm_palette', 'secondary'],
      ['purchases_per_user', 'bold_text', 'secondary'],
      ['revenue_per_user', 'warm_palette', 'guardrail'],
      ['revenue_per_user', 'bold_text', 'guardrail'],
    ]);
    expect(forest).toContain('data-rows="6"');
    // sequential intervals as wide boxes on every row, the margin on the two guardrail rows, one zero line
    expect(count(forest, /class="wide-ci"/g)).toBe(6);
    expect(count(forest, /class="margin"/g)).toBe(2);
    expect(count(forest, /class="zero"/g)).toBe(1);
    for (const g of ['>Primary<', '>Secondary<', '>Guardrails<']) expect(forest).toContain(g);
  });

  it('tabulates each result: lift with sign, p-values, Holm, CUPED, non-inferiority', () => {
    const lift = section(pages.passing, 'lift');
    expect(count(lift, /<tr data-metric=/g)).toBe(6);
    const ctr = passing.analysis.comparisons[0].metrics[0];
    const pct = (x: number) => `${x > 0 ? '+' : '−'}${Math.abs(Math.round(x * 1000) / 10).toFixed(1)} %`;
    expect(lift).toContain(`<strong>${pct(ctr.relativeLift.estimate)}</strong>`);
    expect(lift).toContain(`[${pct(ctr.relativeLift.ci[0])}, ${pct(ctr.relativeLift.ci[1])}]`);
    expect(lift).toContain('<td class="n">0.00080 <strong>*</strong></td>'.replace('0.00080', '&lt;0.001'));
    expect(lift).toContain('−31 %');
    expect(lift).toContain('data-ni="pass"');
    expect(lift).toContain('data-ni="fail"');
    expect(lift).toContain('data-sequential-ci');
    expect(lift).toMatch(/always-valid \[[^\]]+\], p /);
    // p-values print as 0.003-style or <0.001, never in e-notation
    expect(lift).not.toMatch(/\de[−-]\d/);
  });

  it('shows the decision per treatment with its reasons', () => {
    const d = section(pages.passing, 'decisions');
    expect(d).toMatch(/data-decision="ship" data-variant="warm_palette"/);
    expect(d).toMatch(/data-decision="no_ship" data-variant="bold_text"/);
    expect(d).toContain('✓ ship');
    expect(d).toContain('✗ no ship');
    expect(d).toContain('guardrail revenue_per_user failed');
  });

  it('draws the 14-day timeline per treatment with CI and always-valid bands', () => {
    const t = section(pages.passing, 'timeline');
    expect(t).toContain('data-days="14"');
    expect(count(t, /<g class="timeline-series" data-variant="[^"]+" data-points="14"/g)).toBe(2);
    expect(count(t, /class="ci-band"/g)).toBe(2);
    expect(count(t, /class="seq-band"/g)).toBe(2);
    expect(t).toContain('>03-01<');
    expect(t).toContain('>03-14<');
    // the fixed-horizon, blocked one has no always-valid band
    expect(section(pages.failed, 'timeline')).not.toContain('seq-band');
  });

  it('reports the plan progress and the MDE', () => {
    const p = section(pages.passing, 'plan');
    expect(p).toContain('<strong>79.9 %</strong>');
    expect(p).toContain('0.0012 absolute, 3 % relative');
  });

  it('escapes every user string', () => {
    const page = pages.failed;
    expect(page).not.toContain(HOSTILE);
    expect(page).toContain('Thumbnail crop &lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; &#39;apostrophes&#39;');
    expect(page).toContain('A note with markup that must stay text: &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(pages.causal).not.toContain(HOSTILE);
    expect(pages.causal).toContain('data-covariate="resolution &lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('adds the observational section only when the causal analysis is given', () => {
    expect(pages.passing).not.toContain('id="causal"');
    const c = section(pages.causal, 'causal');
    expect(c).toContain('Which attributes drive engagement (observational)');
    expect(c).toContain(causal.assumptions);
    expect(c).toContain('score <code>text.unexpected_text</code> above 0.5');
    expect(count(c, /<g class="forest-row" data-method="/g)).toBe(4);
    expect(c).toContain('data-trimmed="37"');
    expect(count(c, /class="trim"/g)).toBe(2);
    expect(count(c, /class="treated-bin"/g)).toBe(20);
    expect(count(c, /class="control-bin"/g)).toBe(20);
    expect(count(c, /<g class="balance-row"/g)).toBe(5);
    expect(c).toContain('class="reference"');
    expect(c).toContain('E-value <strong>1.38</strong>');
    expect(c).toContain('How to read it');
    // the naive estimate is printed with its minus sign
    expect(c).toContain('−0.0061');
  });
});
