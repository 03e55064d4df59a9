import { num } from './format.js';
import { html, raw } from './html.js';
import { causalSection } from './sections/causal.js';
import { decisionsSection } from './sections/decisions.js';
import { header } from './sections/header.js';
import { liftSection } from './sections/lift.js';
import { notesSection } from './sections/notes.js';
import { planSection } from './sections/plan.js';
import { blockingBanner, srmSection } from './sections/srm.js';
import { timelineSection } from './sections/timeline.js';
import { STYLE } from './style.js';
import type { ExperimentReportInput, ReportView } from './view.js';

/**
 * A self-contained HTML page (no external requests: inline CSS and inline SVG only, no scripts needed to read it)
 * for an experiment's readout, with the causal analysis when given. The SRM check comes first: when the analysis
 * is blocked, a banner says so before any result, and the results are muted and labelled. Every string from the
 * input is escaped.
 */
export function renderExperimentReport(input: ExperimentReportInput): string {
  const { experiment: e, analysis: a, causal } = input;
  const blocked = a.status !== 'ok';
  const treatments = [
    ...e.variants.map((v) => v.key).filter((k) => k !== e.control && a.comparisons.some((c) => c.variant === k)),
    ...a.comparisons.map((c) => c.variant).filter((k) => !e.variants.some((v) => v.key === k)),
  ];
  const view: ReportView = { ...input, blocked, treatments, ciText: `${num((1 - a.alpha) * 100)} % CI` };
  const title = `${blocked ? 'BLOCKED: ' : ''}${e.name} — experiment readout`;
  const readout = html`${decisionsSection(view)} ${liftSection(view)} ${timelineSection(view)}`;
  const doc = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <main>
          ${header(view)} ${blockingBanner(view)} ${srmSection(view)}
          <div class="readout${blocked ? ' readout-blocked' : ''}">${readout}</div>
          ${planSection(view)} ${notesSection(view)} ${causal ? causalSection(causal) : ''}
        </main>
      </body>
    </html> `;
  return doc.value;
}
