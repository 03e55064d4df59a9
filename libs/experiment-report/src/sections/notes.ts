import { html, type Html } from '../html.js';
import type { ReportView } from '../view.js';

export function notesSection({ analysis: a }: ReportView): Html {
  return html`<section aria-labelledby="notes">
    <h2 id="notes">Notes</h2>
    ${
      a.notes.length
        ? html`<ul class="notes">
            ${a.notes.map((n) => html`<li>${n}</li>`)}
          </ul>`
        : html`<p class="muted">None.</p>`
    }
  </section>`;
}
