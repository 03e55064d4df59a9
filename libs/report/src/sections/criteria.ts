import type { CriterionResult } from '@assay/contracts';
import { dataNum, html, type Html } from '../html.js';
import { interval, level, num } from '../format.js';
import { OUTCOME_ORDER, OUTCOME_TEXT } from '../labels.js';

/** Failing criteria first, then inconclusive, passing and skipped; the policy's order within each. */
export const orderCriteria = (cs: CriterionResult[]): CriterionResult[] =>
  cs
    .map((c, i) => ({ c, i }))
    .sort((a, b) => OUTCOME_ORDER[a.c.outcome] - OUTCOME_ORDER[b.c.outcome] || a.i - b.i)
    .map(({ c }) => c);

export function criteriaSection(criteria: CriterionResult[]): Html {
  const rows = orderCriteria(criteria).map(
    (c) =>
      html`<tr
        data-criterion="${c.id}"
        data-outcome="${c.outcome}"
        data-type="${c.type}"
        data-value="${dataNum(c.value)}"
        data-limit="${dataNum(c.limit)}"
        data-lo="${dataNum(c.interval?.[0])}"
        data-hi="${dataNum(c.interval?.[1])}"
      >
        <th scope="row">
          <code>${c.id}</code>
          <div class="muted small">${c.type.replace(/_/g, '-')}</div>
        </th>
        <td>${c.description}</td>
        <td class="outcome outcome-${c.outcome}">${OUTCOME_TEXT[c.outcome]}</td>
        <td class="n">${num(c.value)}</td>
        <td class="n nowrap">
          ${interval(c.interval)}${c.level !== null ? html`<div class="muted small">at ${level(c.level)}</div>` : ''}
        </td>
        <td class="n">${num(c.limit)}</td>
        <td>${c.method.replace(/_/g, ' ')}</td>
        <td class="evidence">${c.evidence}</td>
      </tr>`,
  );
  return html`<section aria-labelledby="criteria">
    <h2 id="criteria">Criteria</h2>
    <p>Each criterion of the policy, judged on its interval at the gate level; failing criteria first.</p>
    <div class="table-wrap">
      <table class="criteria">
        <thead>
          <tr>
            <th scope="col">Criterion</th>
            <th scope="col">Description</th>
            <th scope="col">Outcome</th>
            <th scope="col">Value</th>
            <th scope="col">Interval</th>
            <th scope="col">Limit</th>
            <th scope="col">Method</th>
            <th scope="col">Evidence</th>
          </tr>
        </thead>
        <tbody>
          ${
            rows.length
              ? rows
              : html`<tr>
                  <td colspan="8">The policy has no criteria.</td>
                </tr>`
          }
        </tbody>
      </table>
    </div>
  </section>`;
}
