import { count, num, timestamp } from '../format.js';
import { html, type Html } from '../html.js';
import type { ReportView } from '../view.js';

export function header({ experiment: e, analysis: a }: ReportView): Html {
  const variants = e.variants.map(
    (v, i) =>
      html`${i ? ', ' : ''}<code data-variant="${v.key}">${v.key}</code>${v.key === e.control ? html` <strong>(control)</strong>` : ''}${
          v.weight !== 1 ? html` <span class="muted">weight ${num(v.weight)}</span>` : ''
        }`,
  );
  return html`<header>
    <p class="kicker">Assay experiment readout</p>
    <h1 data-field="name">${e.name}</h1>
    ${e.description ? html`<p>${e.description}</p>` : ''}
    <dl class="settings">
      <dt>Experiment</dt>
      <dd>
        <code data-experiment-id="${e.id}">${e.id}</code> ·
        ${e.status === 'stopped' && e.stoppedAt ? `stopped ${timestamp(e.stoppedAt)}` : e.status}
      </dd>
      <dt>Unit of randomization</dt>
      <dd data-unit="${e.unit}">${e.unit} (also the unit of analysis)</dd>
      <dt>Variants</dt>
      <dd>${variants}</dd>
      <dt>Significance</dt>
      <dd data-alpha="${a.alpha}">α = ${num(a.alpha)}, SRM threshold ${num(e.srmAlpha)}</dd>
      <dt>Design</dt>
      <dd data-sequential="${String(a.sequential)}">
        ${
          a.sequential
            ? 'sequential: always-valid intervals, the readout may be looked at any time'
            : 'fixed-horizon: read once, at the planned sample size'
        }
      </dd>
      <dt>Units</dt>
      <dd>
        ${count(a.units.total)}
        ${e.unit}s${a.units.crossover ? html`; ${count(a.units.crossover)} seen in more than one variant, left out of every metric` : ''};
        ${count(a.events.accepted)} events (${count(a.events.duplicates)} duplicates ignored)
      </dd>
      <dt>Computed at</dt>
      <dd data-computed-at="${a.computedAt}">${timestamp(a.computedAt)}</dd>
    </dl>
  </header>`;
}
