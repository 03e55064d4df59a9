import { num, pValue } from '../format.js';
import { html, type Html } from '../html.js';
import { srmBars } from '../svg/srm-bars.js';
import type { ReportView } from '../view.js';

const BROKEN = 'so the groups may differ in more than the treatment.';

const STATUS_TEXT = { srm_failed: 'sample ratio mismatch', insufficient_data: 'insufficient data', ok: 'ok' } as const;

/** The banner that says the readout below must not be trusted; shown before anything else can be read. */
export function blockingBanner({ analysis: a, blocked }: ReportView): Html {
  if (!blocked) return html``;
  return html`<section class="banner blocked" data-blocked="${a.status}" aria-labelledby="blocked-title">
    <h2 id="blocked-title" class="banner-word">⊘ Readout blocked: ${STATUS_TEXT[a.status]}</h2>
    <p><strong>${a.blockedReason ?? 'The analysis flagged the data as unfit for a readout.'}</strong></p>
    <p>Every result below is shown for diagnosis only and must not be trusted or used for a decision until the cause is found and fixed.</p>
  </section>`;
}

export function srmSection(view: ReportView): Html {
  const { analysis: a, experiment: e } = view;
  const s = a.srm;
  const bars = e.variants.map((v) => ({
    variant: v.key,
    isControl: v.key === e.control,
    observed: s.observed[v.key] ?? a.units.byVariant[v.key] ?? 0,
    expected: s.expected[v.key] ?? 0,
  }));
  const stats = html`χ²(${num(s.df)}) = ${num(s.statistic)}, p ${s.pValue < 0.001 ? '' : '= '}<span data-srm-p>${pValue(s.pValue)}</span>;
    threshold ${num(s.threshold)}`;
  return html`<section aria-labelledby="srm">
    <h2 id="srm">Sample ratio check</h2>
    <div class="banner ${s.passed ? 'srm-pass' : 'srm-fail'}" data-srm="${s.passed ? 'pass' : 'fail'}">
      <p class="banner-word">${s.passed ? '✓ SRM check passed' : '✗ SRM check failed: sample ratio mismatch'}</p>
      <p>${stats}</p>
      <p>
        ${
          s.passed
            ? 'The units split across variants as the planned weights expect.'
            : `The units did not split as the planned weights expect: assignment or logging is broken somewhere, ${BROKEN}`
        }
      </p>
    </div>
    <figure>
      ${srmBars(bars, 'srm-chart-title', !s.passed)}
      <figcaption>
        Observed units per variant against the counts the planned weights expect. A p-value below ${num(s.threshold)} blocks the readout.
      </figcaption>
    </figure>
  </section>`;
}
