export { renderComparisonReport } from './render.js';
export type { ComparisonReportView, ReportComparison } from './view.js';
export { escapeHtml, html, Html, raw, type HtmlValue } from './html.js';
export { DASH, num, pct, signed } from './format.js';
