/** The page's only stylesheet: inline, system fonts, nothing fetched (served under `style-src 'unsafe-inline'`). */
export const STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--zebra:#f6f8fa;--pass:#116329;--fail:#a40e26;--warn:#7d4e00}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:1200px;padding:24px;
  font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:var(--fg);background:#fff}
h1,h2,h3,dd,th,td,li,p{overflow-wrap:break-word}
h1,code{overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:.2rem 0 1rem}
h2{font-size:1.3rem;margin:2rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9em}
.kicker{margin:0;color:var(--muted)}.muted{color:var(--muted)}.small{font-size:.85em}.nowrap{white-space:nowrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:.4rem 0}dt{font-weight:600}dd{margin:0;min-width:0}
.banner{border-radius:8px;padding:12px 18px;margin:0 0 1rem;color:#fff}
.banner p{margin:.2rem 0}.banner h2{margin:.2rem 0 .4rem;border:0;padding:0}.banner-word{font-size:1.5rem;font-weight:800;line-height:1.2}
.srm-pass{background:var(--pass)}.srm-fail{background:var(--fail)}
.blocked{background:#fff0f0;color:var(--fg);border:3px solid var(--fail);border-left-width:12px}
.blocked .banner-word{color:var(--fail)}
.readout-blocked>section{border-left:6px solid #d0d7de;padding-left:14px;
  background:repeating-linear-gradient(135deg,#fff 0 14px,#f6f8fa 14px 28px)}
.readout-blocked figure svg{filter:grayscale(1)}
.blocked-tag{display:inline-block;margin-left:.6rem;padding:0 .5rem;border-radius:4px;background:var(--fail);color:#fff;font-size:.8rem;
  font-weight:700;vertical-align:middle}
.decisions{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:16px}
.decision{border:1px solid var(--line);border-radius:6px;padding:4px 14px;border-top-width:6px}
.decision h3{margin:.5rem 0}.decision ul{margin:.2rem 0 .6rem;padding-left:1.2rem}
.decision-ship{border-top-color:var(--pass)}.decision-no_ship{border-top-color:var(--fail)}
.decision-inconclusive{border-top-color:var(--warn)}.decision-blocked{border-top-color:#24292f}
.word{font-weight:800;white-space:nowrap}
.word-ship,.ok{color:var(--pass)}.word-no_ship,.bad{color:var(--fail)}.word-inconclusive{color:var(--warn)}.word-blocked{color:#24292f}
.table-wrap{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.88rem}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
thead th{background:var(--zebra);border-bottom:2px solid #8c959f;font-weight:600}
tbody th{font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.lift{min-width:1080px}caption{text-align:left}
.callout{border:1px solid #d4a72c;background:#fff8c5;border-left:8px solid #9a6700;border-radius:6px;padding:10px 16px;margin:.6rem 0 1rem}
.callout p{margin:.2rem 0}
.progress{display:inline-block;width:160px;height:12px;border:1px solid #8c959f;border-radius:3px;vertical-align:middle;margin-right:8px;
  background:#fff;overflow:hidden}
.progress span{display:block;height:100%;background:#0b5cad}
figure{margin:0 0 1rem}figcaption{font-size:.88rem;color:var(--muted);margin:.3rem 0}
svg{display:block;max-width:100%;height:auto;font-family:inherit}svg.srm-chart{max-width:820px}
svg .lbl{font-size:15px;fill:#1f2328}svg .ax{font-size:13px;fill:#57606a}svg .val{font-size:14px;fill:#1f2328}
svg .grp{font-size:13px;font-weight:700;fill:#1f2328;text-transform:uppercase;letter-spacing:.04em}
.evalue{font-size:1.1rem}
@media (max-width:800px){body{padding:12px;font-size:14px}.banner-word{font-size:1.25rem}}
@media print{
  body{max-width:none;padding:0;font-size:10.5pt}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  .table-wrap{overflow:visible}table{font-size:8pt}table.lift{min-width:0}
  tr,figure,.decision,.banner{break-inside:avoid}h2,h3{break-after:avoid}
}
`;
