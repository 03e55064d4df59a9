// The comparison report's markup helpers: one escaping template for every report page.
export { html, Html, raw, type HtmlValue } from '@assay/report';
