import type { PassRateDelta, Proportion, SafetyRate } from '@assay/contracts';
import { dataNum, html, type Html } from '../html.js';
import { count, interval, pct, pp } from '../format.js';

const pctOf = (x: number | null) => pct(x);
const share = (p: Proportion) => html`${pct(p.rate)} <span class="muted small">(${count(p.count)} / ${count(p.n)})</span>`;

export function passRatesSection(rates: PassRateDelta[], lvl: string): Html {
  if (rates.length === 0) return html``;
  return html`<section aria-labelledby="pass-rates">
    <h2 id="pass-rates">Pass rates</h2>
    <p>
      Share of assets passing the suite's thresholds (<code>assets</code>: every threshold) or one thresholded score; Wilson intervals per
      side.
    </p>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Scope</th>
            <th scope="col">Baseline</th>
            <th scope="col">${lvl} CI</th>
            <th scope="col">Candidate</th>
            <th scope="col">${lvl} CI</th>
            <th scope="col">Difference</th>
            <th scope="col">${lvl} CI</th>
            <th scope="col">Method</th>
          </tr>
        </thead>
        <tbody>
          ${rates.map(
            (r) =>
              html`<tr
                data-pass-rate="${r.scope}"
                data-baseline="${dataNum(r.baseline.rate)}"
                data-candidate="${dataNum(r.candidate.rate)}"
                data-difference="${dataNum(r.difference.value)}"
              >
                <th scope="row">${r.scope}</th>
                <td class="n">${share(r.baseline)}</td>
                <td class="n nowrap">${interval(r.baseline.ci, pctOf)}</td>
                <td class="n">${share(r.candidate)}</td>
                <td class="n nowrap">${interval(r.candidate.ci, pctOf)}</td>
                <td class="n">${pp(r.difference.value)}</td>
                <td class="n nowrap">${interval(r.difference.ci, pp)}</td>
                <td>${r.difference.method.replace(/_/g, ' ')}${r.paired ? ' (paired)' : ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}

export function safetySection(rates: SafetyRate[], lvl: string): Html {
  if (rates.length === 0) return html``;
  return html`<section aria-labelledby="safety">
    <h2 id="safety">Safety</h2>
    <p>
      Share of assets a safety check flagged. The upper bound is exact (Clopper–Pearson, one-sided): the flagged rate is at most this with
      ${lvl} confidence, even when nothing was flagged.
    </p>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Baseline flagged</th>
            <th scope="col">Baseline upper bound</th>
            <th scope="col">Candidate flagged</th>
            <th scope="col">Candidate upper bound</th>
            <th scope="col">Gate upper bound</th>
            <th scope="col">Difference</th>
            <th scope="col">${lvl} CI</th>
          </tr>
        </thead>
        <tbody>
          ${rates.map(
            (r) =>
              html`<tr
                data-safety="${r.score}"
                data-baseline-upper="${dataNum(r.baseline.upper)}"
                data-candidate-upper="${dataNum(r.candidate.upper)}"
                data-candidate-rate="${dataNum(r.candidate.rate)}"
              >
                <th scope="row">${r.score}</th>
                <td class="n">${share(r.baseline)}</td>
                <td class="n">≤ ${pct(r.baseline.upper)}</td>
                <td class="n">${share(r.candidate)}</td>
                <td class="n">≤ ${pct(r.candidate.upper)}</td>
                <td class="n">${r.candidate.gateUpper == null ? '—' : html`≤ ${pct(r.candidate.gateUpper)}`}</td>
                <td class="n">${pp(r.difference.value)}</td>
                <td class="n nowrap">${interval(r.difference.ci, pp)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}
