import type { LatencyComparison } from '@assay/contracts';
import { dataNum, html, type Html } from '../html.js';
import { count, interval, num } from '../format.js';

const SOURCE: Record<LatencyComparison['source'], string> = {
  generation: 'Generation latency (as the pipeline reported it)',
  scoring: 'Scoring latency (Assay’s own timings)',
};
const ms = (x: number | null) => (x === null || !Number.isFinite(x) ? '—' : `${num(x)} ms`);
const ratio = (x: number | null) => (x === null || !Number.isFinite(x) ? '—' : `${num(x)}×`);
const qName = (q: number) => `p${num(q * 100, 4)}`;

export function latencySection(latency: LatencyComparison[], lvl: string): Html {
  if (latency.length === 0) return html``;
  return html`<section aria-labelledby="latency">
    <h2 id="latency">Latency</h2>
    ${latency.map(
      (l) =>
        html`<h3 id="latency-${l.source}">${SOURCE[l.source]}</h3>
          <p class="muted">n = ${count(l.n.baseline)} baseline, ${count(l.n.candidate)} candidate; ratio is candidate ÷ baseline.</p>
          <div class="table-wrap">
            <table data-latency="${l.source}">
              <thead>
                <tr>
                  <th scope="col">Quantile</th>
                  <th scope="col">Baseline</th>
                  <th scope="col">${lvl} CI</th>
                  <th scope="col">Candidate</th>
                  <th scope="col">${lvl} CI</th>
                  <th scope="col">Ratio</th>
                  <th scope="col">${lvl} CI</th>
                </tr>
              </thead>
              <tbody>
                ${l.quantiles.map(
                  (q) =>
                    html`<tr
                      data-quantile="${qName(q.q)}"
                      data-baseline="${dataNum(q.baseline.value)}"
                      data-candidate="${dataNum(q.candidate.value)}"
                      data-ratio="${dataNum(q.ratio.value)}"
                    >
                      <th scope="row">${qName(q.q)}</th>
                      <td class="n">${ms(q.baseline.value)}</td>
                      <td class="n nowrap">${interval(q.baseline.ci, ms)}</td>
                      <td class="n">${ms(q.candidate.value)}</td>
                      <td class="n nowrap">${interval(q.candidate.ci, ms)}</td>
                      <td class="n">${ratio(q.ratio.value)}</td>
                      <td class="n nowrap">${interval(q.ratio.ci, ratio)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`,
    )}
  </section>`;
}
