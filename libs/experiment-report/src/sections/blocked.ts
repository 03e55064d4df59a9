import { html, type Html } from '../html.js';
import type { ReportView } from '../view.js';

/** A label on each section's heading while the readout is blocked, so a screenshot of one section still says so. */
export const blockedTag = (view: ReportView): Html =>
  view.blocked ? html`<span class="blocked-tag" data-blocked-tag>blocked: do not trust</span>` : html``;
