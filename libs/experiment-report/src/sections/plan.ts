import { count, finite, num, pct } from '../format.js';
import { html, type Html } from '../html.js';
import type { ReportView } from '../view.js';

export function planSection({ analysis: a, experiment: e }: ReportView): Html {
  const planned = a.plan.unitsPerVariant ?? e.plan.unitsPerVariant;
  const progress = a.plan.progress;
  const mde = e.plan.mde;
  const mdeText = [
    finite(a.plan.mdeAbsolute) ? `${num(a.plan.mdeAbsolute)} absolute` : null,
    mde?.relative !== undefined ? `${pct(mde.relative)} relative` : null,
    mde?.absolute !== undefined && !finite(a.plan.mdeAbsolute) ? `${num(mde.absolute)} absolute` : null,
  ].filter((s): s is string => s !== null);
  const rows = e.variants.map((v) => {
    const n = a.units.byVariant[v.key] ?? 0;
    const share = planned ? Math.min(1, n / planned) : null;
    return html`<tr data-variant="${v.key}">
      <th scope="row"><code>${v.key}</code>${v.key === e.control ? ' (control)' : ''}</th>
      <td class="n">${count(n)}</td>
      <td class="n">${planned ? count(planned) : '—'}</td>
      <td>
        ${
          share !== null
            ? html`<span class="progress" aria-hidden="true"><span style="width:${Math.round(share * 100)}%"></span></span
                >${pct(n / planned!, 3)}`
            : '—'
        }
      </td>
    </tr>`;
  });
  return html`<section aria-labelledby="plan">
    <h2 id="plan">Plan progress</h2>
    <p data-progress="${progress ?? ''}">
      ${
        finite(progress)
          ? html`The smallest variant has <strong>${pct(progress)}</strong> of its planned
              units${progress >= 1 ? ': the planned sample is reached.' : '.'}`
          : 'No planned sample size was given.'
      }
      ${mdeText.length ? html` Minimum detectable effect of <code>${e.primaryMetric.key}</code>: ${mdeText.join(', ')} (power ${pct(e.power)}).` : ''}
    </p>
    <div class="table-wrap">
      <table class="plan">
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Units</th>
            <th scope="col">Planned</th>
            <th scope="col">Progress</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>
  </section>`;
}
