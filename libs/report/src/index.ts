export { renderComparisonReport } from './render.js';
export type { ComparisonReportView, ReportComparison } from './view.js';
export { escapeHtml } from './html.js';
