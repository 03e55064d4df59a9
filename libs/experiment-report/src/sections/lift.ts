import type { MetricResult } from '@assay/contracts';
import { finite, interval, lift, num, pct, pValue, signed } from '../format.js';
import { html, type Html } from '../html.js';
import { ROLE_ORDER, ROLE_TEXT } from '../labels.js';
import { forestPlot, type ForestItem } from '../svg/forest.js';
import { series } from '../svg/marks.js';
import type { ReportView } from '../view.js';
import { blockedTag } from './blocked.js';

interface Row {
  variant: string;
  seriesIndex: number;
  m: MetricResult;
}

/** Every metric result of every treatment, primary first, then secondary and guardrails; treatments in order within a metric. */
export function liftRows(view: ReportView): Row[] {
  const rows = view.analysis.comparisons.flatMap((c) =>
    c.metrics.map((m) => ({ variant: c.variant, seriesIndex: Math.max(0, view.treatments.indexOf(c.variant)), m })),
  );
  const metricOrder = [...new Set(rows.map((r) => r.m.metric))];
  return rows.sort(
    (a, b) =>
      ROLE_ORDER.indexOf(a.m.role) - ROLE_ORDER.indexOf(b.m.role) ||
      metricOrder.indexOf(a.m.metric) - metricOrder.indexOf(b.m.metric) ||
      a.seriesIndex - b.seriesIndex,
  );
}

/** An absolute quantity of the difference on the relative scale: divided by the control mean (none when it is 0). */
const relative = (x: number, m: MetricResult) => (m.control.estimate !== 0 ? x / Math.abs(m.control.estimate) : NaN);

/** The guardrail's margin on the relative scale, on the side of degradation. */
function relativeMargin(m: MetricResult): number | undefined {
  if (!m.nonInferiority) return undefined;
  const r = relative(Math.abs(m.nonInferiority.absoluteMargin), m);
  if (!finite(r)) return undefined;
  return m.direction === 'higher_is_better' ? -r : r;
}

function forestItem(r: Row): ForestItem {
  const { m } = r;
  const seq = m.sequential ? ([relative(m.sequential.ci[0], m), relative(m.sequential.ci[1], m)] as const) : undefined;
  return {
    group: ROLE_TEXT[m.role],
    label: m.metric,
    detail: r.variant,
    seriesIndex: r.seriesIndex,
    estimate: m.relativeLift.estimate,
    ci: m.relativeLift.ci,
    wideCi: seq && seq.every(finite) ? seq : undefined,
    margin: relativeMargin(m),
    text: `${lift(m.relativeLift.estimate)} ${interval(m.relativeLift.ci, lift)}${m.significant ? ' *' : ''}`,
    attrs: html`data-metric="${m.metric}" data-variant="${r.variant}" data-role="${m.role}" data-lift="${m.relativeLift.estimate}"`,
  };
}

function tableRow(r: Row): Html {
  const { m } = r;
  const s = series(r.seriesIndex);
  const ni = m.nonInferiority;
  return html`<tr data-metric="${m.metric}" data-variant="${r.variant}">
    <th scope="row">
      <code>${m.metric}</code>
      <div class="muted small">${m.kind}, ${m.direction.replace(/_/g, ' ')}</div>
    </th>
    <td class="nowrap">${s.glyph} <code>${r.variant}</code></td>
    <td>${m.role}</td>
    <td class="n">
      ${num(m.control.estimate, 4)}
      <div class="muted small">n = ${num(m.control.units)}</div>
    </td>
    <td class="n">
      ${num(m.treatment.estimate, 4)}
      <div class="muted small">n = ${num(m.treatment.units)}</div>
    </td>
    <td class="n">
      ${signed(m.difference.estimate)} ${interval(m.difference.ci)}
      ${
        m.sequential
          ? html`<div class="muted small" data-sequential-ci>
              always-valid ${interval(m.sequential.ci)}, p ${pValue(m.sequential.pValue)}
            </div>`
          : ''
      }
    </td>
    <td class="n"><strong>${lift(m.relativeLift.estimate)}</strong> ${interval(m.relativeLift.ci, lift)}</td>
    <td class="n" data-p="${m.difference.pValue}">${pValue(m.difference.pValue)}</td>
    <td class="n">${m.pValueAdjusted !== undefined ? pValue(m.pValueAdjusted) : '—'}${m.significant ? html` <strong>*</strong>` : ''}</td>
    <td class="n">
      ${
        m.cuped
          ? html`−${pct(m.cuped.varianceReduction, 2)}
              <div class="muted small">on <code>${m.cuped.covariate}</code></div>`
          : '—'
      }
    </td>
    <td>
      ${
        ni
          ? html`<span class="word ${ni.passed ? 'ok' : 'bad'}" data-ni="${ni.passed ? 'pass' : 'fail'}"
                >${ni.passed ? '✓ pass' : '✗ fail'}</span
              >
              <div class="muted small">margin ${num(ni.absoluteMargin)}, bound ${num(ni.bound)}, p ${pValue(ni.pValue)}</div>`
          : '—'
      }
    </td>
  </tr>`;
}

export function liftSection(view: ReportView): Html {
  const rows = liftRows(view);
  const n = rows.length;
  const forest = forestPlot(rows.map(forestItem), {
    id: 'lift-forest',
    title:
      `Forest plot of the relative lift of ${n} metric result${n === 1 ? '' : 's'} (treatment versus control, percent) with ` +
      `${view.ciText}s, grouped into primary, secondary and guardrail metrics`,
    fmtTick: lift,
    axisLabel: 'relative lift versus control',
    lowerText: '← treatment lower',
    higherText: 'treatment higher →',
    ciText: view.ciText,
  });
  return html`<section aria-labelledby="lift">
    <h2 id="lift">Lift with confidence intervals ${blockedTag(view)}</h2>
    <figure>
      ${forest}
      <figcaption>
        Relative lift (treatment − control) ÷ control per metric and treatment, marker shape per treatment. * significant after the Holm
        adjustment. The always-valid interval and the non-inferiority margin are the difference's, divided by the control mean.
      </figcaption>
    </figure>
    <div class="table-wrap" tabindex="0" role="region" aria-label="Table of results per metric and treatment (scrolls sideways)">
      <table class="lift">
        <caption class="muted small">
          Per metric and treatment; intervals are ${view.ciText}s.
        </caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Treatment</th>
            <th scope="col">Role</th>
            <th scope="col">Control</th>
            <th scope="col">Treatment estimate</th>
            <th scope="col">Difference [CI]</th>
            <th scope="col">Relative lift [CI]</th>
            <th scope="col">p</th>
            <th scope="col">Holm p</th>
            <th scope="col">CUPED variance</th>
            <th scope="col">Non-inferiority</th>
          </tr>
        </thead>
        <tbody>
          ${
            rows.length
              ? rows.map(tableRow)
              : html`<tr>
                  <td colspan="11">No metric was analysed.</td>
                </tr>`
          }
        </tbody>
      </table>
    </div>
  </section>`;
}
