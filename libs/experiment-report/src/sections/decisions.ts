import { html, type Html } from '../html.js';
import { DECISION_MEANING, DECISION_TEXT } from '../labels.js';
import type { ReportView } from '../view.js';
import { blockedTag } from './blocked.js';

export function decisionsSection(view: ReportView): Html {
  const cards = view.analysis.comparisons.map(
    (c) =>
      html`<div class="decision decision-${c.decision}" data-decision="${c.decision}" data-variant="${c.variant}">
        <h3>
          <code>${c.variant}</code> vs <code>${c.control}</code>: <span class="word word-${c.decision}">${DECISION_TEXT[c.decision]}</span>
        </h3>
        <p class="muted small">${DECISION_MEANING[c.decision]}</p>
        ${
          c.reasons.length
            ? html`<ul>
                ${c.reasons.map((r) => html`<li>${r}</li>`)}
              </ul>`
            : ''
        }
      </div>`,
  );
  return html`<section aria-labelledby="decisions">
    <h2 id="decisions">Decision per treatment ${blockedTag(view)}</h2>
    <div class="decisions">${cards.length ? cards : html`<p>No treatment was compared.</p>`}</div>
  </section>`;
}
