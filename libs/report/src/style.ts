/** The report's only stylesheet: inline, system fonts, nothing fetched (CSP `style-src 'unsafe-inline'`). */
export const STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--zebra:#f6f8fa}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:1200px;padding:24px;
  font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:var(--fg);background:#fff}
h1,h2,h3,dd,th,td,figcaption{overflow-wrap:break-word}
h1,dd code,th code,.evidence{overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:.2rem 0 1rem}
h2{font-size:1.3rem;margin:2rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9em}
pre{background:var(--zebra);border:1px solid var(--line);padding:10px 12px;white-space:pre-wrap;word-break:break-all}
.kicker{margin:0;color:var(--muted)}.vs{color:var(--muted);font-weight:400}
.muted{color:var(--muted)}.small{font-size:.82em}.nowrap{white-space:nowrap}
.verdict{border-radius:8px;padding:14px 20px;margin:0 0 1rem;color:#fff}
.verdict p{margin:.2rem 0}.verdict-word{font-size:2.4rem;font-weight:800;letter-spacing:.02em;line-height:1.1}
.verdict-label{font-size:1rem;font-weight:600;letter-spacing:0;vertical-align:middle}
.verdict-GO{background:#116329}.verdict-NO_GO{background:#a40e26}.verdict-INCONCLUSIVE{background:#7d4e00}
.runs{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:16px}
.run{border:1px solid var(--line);border-radius:6px;padding:4px 14px}.run h3{margin:.5rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:.4rem 0}dt{font-weight:600}dd{margin:0;min-width:0}
.table-wrap{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
thead th{background:var(--zebra);border-bottom:2px solid #8c959f;font-weight:600}
tbody th{font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.scores,table.criteria{min-width:1000px}
.outcome{font-weight:700;white-space:nowrap}
.outcome-fail{color:#a40e26}
.outcome-pass{color:#116329}
.outcome-inconclusive{color:#7d4e00}
.outcome-skipped{color:var(--muted)}
tr[data-outcome="fail"]{background:#fff0f0}
.evidence{font-size:.85rem;min-width:18em}
.reading{font-weight:600;white-space:nowrap}
.reading-better{color:#1a7f37}
.reading-worse{color:#b42318}
.reading-no_detectable_difference{color:#57606a}
.reading-increased,.reading-decreased{color:#0b5cad}
figure{margin:0 0 1rem}figcaption{font-size:.88rem;color:var(--muted);margin:.3rem 0}
svg{display:block;max-width:100%;height:auto;font-family:inherit}
svg .lbl{font-size:14px;fill:#1f2328}svg .rd{font-size:14px;font-weight:600}svg .ax{font-size:12px;fill:#57606a}
.ecdf-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:16px}
.ecdf-figure{border:1px solid var(--line);border-radius:6px;padding:8px;margin:0}
.key-baseline{color:#57606a;font-weight:600}.key-candidate{color:#0b5cad;font-weight:600}
footer{margin-top:2rem}
@media (max-width:800px){body{padding:12px;font-size:14px}.verdict-word{font-size:1.9rem}}
@media print{
  @page{margin:14mm}
  body{max-width:none;padding:0;font-size:10.5pt}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  .table-wrap{overflow:visible}table{font-size:8pt}table.scores,table.criteria{min-width:0}td.n{white-space:normal}
  tr,figure,.run,.verdict{break-inside:avoid}h2,h3{break-after:avoid}
  .ecdf-grid{grid-template-columns:repeat(3,1fr)}
}
`;
