import type { SliceAnalysis } from '@assay/contracts';
import { dataNum, html, type Html } from '../html.js';
import { count, interval, num, pct, pp } from '../format.js';

export function slicesSection(slices: SliceAnalysis[], lvl: string): Html {
  if (slices.length === 0) return html``;
  return html`<section aria-labelledby="slices">
    <h2 id="slices">Slices</h2>
    ${slices.map((a) => {
      const d = a.disparity;
      const gated = [...new Set(a.slices.flatMap((s) => [...Object.keys(s.baseline.means), ...Object.keys(s.candidate.means)]))];
      return html`<h3 id="slice-${a.key}">By <code>${a.key}</code></h3>
        <p class="muted">Slices with fewer than ${count(a.minN)} candidate assets are shown but not judged.</p>
        <div class="table-wrap">
          <table data-slice-key="${a.key}">
            <thead>
              <tr>
                <th scope="col">${a.key}</th>
                <th scope="col">n baseline / candidate</th>
                <th scope="col">Baseline pass rate</th>
                <th scope="col">Candidate pass rate</th>
                <th scope="col">Candidate ${lvl} CI</th>
                ${gated.map((g) => html`<th scope="col">${g} mean (baseline → candidate)</th>`)}
                <th scope="col">Judged</th>
              </tr>
            </thead>
            <tbody>
              ${a.slices.map(
                (s) =>
                  html`<tr
                    data-slice="${s.value}"
                    data-judged="${String(s.judged)}"
                    data-candidate-rate="${dataNum(s.candidate.passRate.rate)}"
                  >
                    <th scope="row">${s.value}</th>
                    <td class="n">${count(s.baseline.n)} / ${count(s.candidate.n)}</td>
                    <td class="n">${pct(s.baseline.passRate.rate)}</td>
                    <td class="n">${pct(s.candidate.passRate.rate)}</td>
                    <td class="n nowrap">${interval(s.candidate.passRate.ci, (x) => pct(x))}</td>
                    ${gated.map((g) => html`<td class="n">${num(s.baseline.means[g])} → ${num(s.candidate.means[g])}</td>`)}
                    <td>${s.judged ? 'yes' : 'no (too few)'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
        ${
          d
            ? html`<p data-disparity="${a.key}" data-ratio="${dataNum(d.ratio.value)}" data-gap="${dataNum(d.gap.value)}">
                Candidate disparity across judged slices: lowest <strong>${d.lowest.value}</strong> at ${pct(d.lowest.rate)}, highest
                <strong>${d.highest.value}</strong> at ${pct(d.highest.rate)}; ratio lowest ÷ highest = ${num(d.ratio.value)}
                ${interval(d.ratio.ci)} (the four-fifths rule asks ≥ 0.8), gap = ${pp(d.gap.value)} ${interval(d.gap.ci, pp)}, ${lvl}
                intervals.
              </p>`
            : html`<p class="muted">Fewer than two judged slices: no disparity is computed.</p>`
        }`;
    })}
  </section>`;
}
