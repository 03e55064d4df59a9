import type { SetDistances } from '@assay/contracts';
import { dataNum, html, type Html } from '../html.js';
import { count, num } from '../format.js';

/**
 * The candidate's embeddings against the baseline's, per feature extractor: not gated (no policy criterion
 * reads them yet), shown so a reviewer sees a shift in what the model produces that per-asset scores miss.
 */
export function distributionSection(distribution: SetDistances[]): Html {
  if (distribution.length === 0) return html``;
  return html`<section aria-labelledby="distribution">
    <h2 id="distribution">Distribution of outputs</h2>
    <p class="muted">
      The candidate’s image embeddings measured against the baseline’s as the reference. Lower distances and higher precision, recall,
      density and coverage mean closer distributions. Values are comparable only within one feature extractor and similar sample sizes
      (docs/distribution.md).
    </p>
    <div class="table-wrap">
      <table data-distribution>
        <thead>
          <tr>
            <th scope="col">Feature extractor</th>
            <th scope="col">n (baseline, candidate)</th>
            <th scope="col">Fréchet distance</th>
            <th scope="col">KID (± sd)</th>
            <th scope="col">CMMD</th>
            <th scope="col">Precision</th>
            <th scope="col">Recall</th>
            <th scope="col">Density</th>
            <th scope="col">Coverage</th>
          </tr>
        </thead>
        <tbody>
          ${distribution.map(
            (d) =>
              html`<tr data-model="${d.model.id}" data-frechet="${dataNum(d.frechet.value)}" data-kid="${dataNum(d.kid.mean)}">
                <th scope="row">${d.model.features ?? d.model.id} <span class="muted">${d.model.id}@${d.model.version}</span></th>
                <td class="n nowrap">${count(d.frechet.n[0])}, ${count(d.frechet.n[1])}</td>
                <td class="n">${d.labels.frechet} ${num(d.frechet.value, 4)}</td>
                <td class="n nowrap">${d.labels.kid} ${num(d.kid.mean, 3)} ± ${num(d.kid.std, 2)}</td>
                <td class="n">${d.labels.cmmd} ${num(d.cmmd, 4)}</td>
                <td class="n">${num(d.prdc.precision, 3)}</td>
                <td class="n">${num(d.prdc.recall, 3)}</td>
                <td class="n">${num(d.prdc.density, 3)}</td>
                <td class="n">${num(d.prdc.coverage, 3)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}
