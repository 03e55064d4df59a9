import { html, raw } from './html.js';
import { level } from './format.js';
import { VERDICT_TEXT } from './labels.js';
import { criteriaSection } from './sections/criteria.js';
import { distributionSection } from './sections/distribution.js';
import { excludedSection } from './sections/excluded.js';
import { footer } from './sections/footer.js';
import { header } from './sections/header.js';
import { latencySection } from './sections/latency.js';
import { passRatesSection, safetySection } from './sections/rates.js';
import { scoresSection } from './sections/scores.js';
import { slicesSection } from './sections/slices.js';
import { STYLE } from './style.js';
import type { ComparisonReportView } from './view.js';

/**
 * A comparison's report as one self-contained HTML document: no scripts, no external resources (it is served
 * under `default-src 'none'; style-src 'unsafe-inline'; img-src data:` and archived as the launch's audit record).
 * Every string from the result is escaped; every number is formatted, a missing one as "—".
 */
export function renderComparisonReport(view: ComparisonReportView): string {
  const { result } = view;
  const lvl = level(result.settings.level);
  const title = `${VERDICT_TEXT[result.verdict.outcome]}: ${result.candidate.name} vs ${result.baseline.name} (${result.verdict.policy.name})`;
  const doc = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="generator" content="Assay ${result.assayVersion}" />
        <title>${title}</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <main>
          ${header(view)} ${criteriaSection(result.verdict.criteria)} ${scoresSection(result)} ${passRatesSection(result.passRates, lvl)}
          ${safetySection(result.safety, lvl)} ${latencySection(result.latency, lvl)} ${slicesSection(result.slices, lvl)}
          ${distributionSection(result.distribution)} ${excludedSection(result.excludedScores)}
        </main>
        ${footer(view)}
      </body>
    </html> `;
  return doc.value;
}
