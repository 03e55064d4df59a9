import { html, type Html } from '../html.js';
import { timelineChart } from '../svg/timeline.js';
import type { ReportView } from '../view.js';
import { blockedTag } from './blocked.js';

export function timelineSection(view: ReportView): Html {
  const { analysis: a, experiment: e } = view;
  const metric = e.primaryMetric.key;
  const body = a.timeline.length
    ? html`<figure>
        ${timelineChart(a.timeline, view.treatments, metric, view.ciText, 'timeline-title')}
        <figcaption>
          Each day's point is the relative lift of <code>${metric}</code> over all units exposed up to that day. Early days are noisy:
          ${
            a.sequential
              ? 'the always-valid band may be read any day; the fixed interval only at the planned end.'
              : 'read the fixed-horizon interval only at the planned end, not when it first crosses zero.'
          }
        </figcaption>
      </figure>`
    : html`<p>No daily readout yet.</p>`;
  return html`<section aria-labelledby="timeline">
    <h2 id="timeline">Cumulative lift over time ${blockedTag(view)}</h2>
    ${body}
  </section>`;
}
