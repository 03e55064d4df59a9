import type { ExcludedScore } from '@assay/contracts';
import { html, type Html } from '../html.js';
import { EXCLUDED_TEXT } from '../labels.js';

export function excludedSection(excluded: ExcludedScore[]): Html {
  if (excluded.length === 0) return html``;
  return html`<section aria-labelledby="excluded">
    <h2 id="excluded">Scores not compared</h2>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Score</th>
            <th scope="col">Reason</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          ${excluded.map(
            (e) =>
              html`<tr data-excluded="${e.score}" data-reason="${e.reason}">
                <th scope="row">${e.score}</th>
                <td>${EXCLUDED_TEXT[e.reason] ?? e.reason}</td>
                <td>${e.detail}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}
