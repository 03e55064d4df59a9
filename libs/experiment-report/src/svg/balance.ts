import type { CausalAnalysis } from '@assay/contracts';
import { num } from '../format.js';
import { html, type Html } from '../html.js';
import { linear, niceDomain, round, truncate } from './scale.js';

const W = 960;
const LABEL_W = 230;
const X0 = LABEL_W + 20;
const X1 = W - 200;
const ROW_H = 30;
const TOP = 40;
const REFERENCE = 0.1;

/**
 * Love plot: each covariate's |standardized mean difference| between treated and control before weighting
 * (hollow grey circle) and after (filled blue diamond), joined by an arrow, against the customary 0.1 line below
 * which a covariate counts as balanced.
 */
export function balancePlot(balance: CausalAnalysis['balance'], id: string): Html {
  const rows = [...balance].sort((a, b) => Math.abs(b.smdBefore) - Math.abs(a.smdBefore));
  const dom = niceDomain(0, Math.max(0.25, ...rows.flatMap((r) => [Math.abs(r.smdBefore), Math.abs(r.smdAfter)])), 4);
  const x = linear(0, dom.hi, X0, X1);
  const yEnd = TOP + rows.length * ROW_H;
  const H = yEnd + 44;
  const body = rows.map((r, i) => {
    const yc = round(TOP + i * ROW_H + ROW_H / 2);
    const b = x(Math.abs(r.smdBefore));
    const a = x(Math.abs(r.smdAfter));
    const balanced = Math.abs(r.smdAfter) < REFERENCE;
    const d = 6;
    return html`<g class="balance-row" data-covariate="${r.covariate}" data-smd-before="${r.smdBefore}" data-smd-after="${r.smdAfter}">
      <title>${r.covariate}: |SMD| ${num(Math.abs(r.smdBefore))} before weighting, ${num(Math.abs(r.smdAfter))} after</title>
      ${i % 2 === 0 ? html`<rect x="0" y="${TOP + i * ROW_H}" width="${W}" height="${ROW_H}" fill="#f6f8fa" fill-opacity="0.7" />` : ''}
      <text x="${LABEL_W}" y="${yc + 5}" text-anchor="end" class="lbl">${truncate(r.covariate, 28)}</text>
      ${Math.abs(b - a) > 12 ? html`<line x1="${b}" x2="${a > b ? a - 8 : a + 8}" y1="${yc}" y2="${yc}" stroke="#8c959f" stroke-width="1.5" />` : ''}
      <circle class="before" cx="${b}" cy="${yc}" r="6" fill="#fff" stroke="#57606a" stroke-width="2" />
      <polygon class="after" points="${a},${yc - d} ${a + d},${yc} ${a},${yc + d} ${a - d},${yc}" fill="#0b5cad" stroke="#0b5cad" />
      <text x="${X1 + 16}" y="${yc + 5}" class="ax"
        >${num(Math.abs(r.smdBefore), 2)} → ${num(Math.abs(r.smdAfter), 2)} ${balanced ? '✓' : '✗'}</text
      >
    </g>`;
  });
  return html`<svg class="balance" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}" data-rows="${rows.length}">
    <title id="${id}">
      Covariate balance: absolute standardized mean difference of ${rows.length} covariates before and after weighting, against a 0.1
      reference line
    </title>
    <circle cx="${X0 + 6}" cy="16" r="6" fill="#fff" stroke="#57606a" stroke-width="2" />
    <text x="${X0 + 18}" y="21" class="ax">before weighting</text>
    <polygon points="${X0 + 160},10 ${X0 + 166},16 ${X0 + 160},22 ${X0 + 154},16" fill="#0b5cad" />
    <text x="${X0 + 174}" y="21" class="ax">after weighting (✓ below 0.1)</text>
    ${dom.ticks.map(
      (t) =>
        html`<line x1="${x(t)}" x2="${x(t)}" y1="${TOP - 4}" y2="${yEnd + 4}" stroke="#d0d7de" /><text
            x="${x(t)}"
            y="${yEnd + 20}"
            text-anchor="middle"
            class="ax"
            >${num(t)}</text
          >`,
    )}
    ${body}
    <line
      class="reference"
      x1="${x(REFERENCE)}"
      x2="${x(REFERENCE)}"
      y1="${TOP - 8}"
      y2="${yEnd + 4}"
      stroke="#a40e26"
      stroke-width="2"
      stroke-dasharray="6 3"
    />
    <text x="${x(REFERENCE) + 4}" y="${TOP - 10}" class="ax">0.1</text>
    <text x="${round((X0 + X1) / 2)}" y="${yEnd + 38}" text-anchor="middle" class="ax">|standardized mean difference|</text>
  </svg>`;
}
