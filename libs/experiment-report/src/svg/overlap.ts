import type { CausalAnalysis } from '@assay/contracts';
import { count, num } from '../format.js';
import { html, type Html } from '../html.js';
import { linear, niceDomain, round } from './scale.js';

const W = 960;
const H = 350;
const L = 70;
const R = 24;
const MID = 170;
const HALF = 120;

const TREATED = '#0b5cad';
const CONTROL = '#57606a';

/**
 * Propensity overlap as a mirrored histogram: treated assets' propensities above the axis, control assets' below,
 * so the two read apart by position, not colour. The trim bounds are dashed lines; assets outside them were left
 * out of the weighted estimates.
 */
export function overlapChart(o: CausalAnalysis['overlap'], id: string): Html {
  const edges = o.edges;
  const x = linear(edges[0] ?? 0, edges.at(-1) ?? 1, L, W - R);
  const peak = Math.max(...o.treated.bins, ...o.control.bins, 1);
  const dom = niceDomain(0, peak, 4);
  const h = linear(0, dom.hi, 0, HALF);
  const [tLo, tHi] = o.trimBounds;
  const bars = (bins: number[], up: boolean, colour: string, cls: string) =>
    bins.map((n, k) => {
      const x0 = x(edges[k]);
      const w = Math.max(0, x(edges[k + 1]) - x0 - 1);
      const bh = h(n);
      return html`<rect
        class="${cls}"
        x="${x0}"
        y="${up ? MID - bh : MID}"
        width="${w}"
        height="${bh}"
        fill="${colour}"
        ${cls === 'control-bin' ? html`fill-opacity="0.55"` : ''}
        ><title>
          ${cls === 'treated-bin' ? 'treated' : 'control'}, propensity ${num(edges[k])}–${num(edges[k + 1])}: ${count(n)} assets
        </title></rect
      >`;
    });
  const trimLine = (v: number, side: 'start' | 'end') =>
    html`<line
        class="trim"
        x1="${x(v)}"
        x2="${x(v)}"
        y1="${MID - HALF - 10}"
        y2="${MID + HALF + 10}"
        stroke="#a40e26"
        stroke-width="2"
        stroke-dasharray="6 3"
      /><text x="${side === 'start' ? x(v) + 6 : x(v) - 6}" y="${MID - HALF - 2}" text-anchor="${side}" class="ax">trim ${num(v)}</text>`;
  const xTicks = niceDomain(edges[0] ?? 0, edges.at(-1) ?? 1, 5, false).ticks.filter(
    (t) => t >= (edges[0] ?? 0) - 1e-9 && t <= (edges.at(-1) ?? 1) + 1e-9,
  );
  return html`<svg class="overlap" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}" data-trimmed="${o.trimmed}">
    <title id="${id}">
      Propensity overlap: histogram of treated assets' propensity scores above the axis and control assets' below, trim bounds at
      ${num(tLo)} and ${num(tHi)}, ${count(o.trimmed)} assets trimmed
    </title>
    <text x="${x(tLo) + 10}" y="${MID - HALF + 26}" class="lbl">▲ treated (range ${num(o.treated.min)}–${num(o.treated.max)})</text>
    <text x="${x(tHi) - 10}" y="${MID + HALF - 4}" text-anchor="end" class="lbl">
      ▼ control (range ${num(o.control.min)}–${num(o.control.max)})
    </text>
    ${bars(o.treated.bins, true, TREATED, 'treated-bin')} ${bars(o.control.bins, false, CONTROL, 'control-bin')}
    <line x1="${L}" x2="${W - R}" y1="${MID}" y2="${MID}" stroke="#24292f" stroke-width="1.5" />
    ${[dom.hi].map(
      (t) =>
        html`<text x="${L - 8}" y="${MID - h(t) + 4}" text-anchor="end" class="ax">${count(t)}</text
          ><text x="${L - 8}" y="${MID + h(t) + 4}" text-anchor="end" class="ax">${count(t)}</text
          ><line x1="${L - 4}" x2="${L}" y1="${MID - h(t)}" y2="${MID - h(t)}" stroke="#8c959f" /><line
            x1="${L - 4}"
            x2="${L}"
            y1="${MID + h(t)}"
            y2="${MID + h(t)}"
            stroke="#8c959f"
          />`,
    )}
    <text x="${L - 8}" y="${MID + 4}" text-anchor="end" class="ax">0</text>
    <line x1="${L}" x2="${L}" y1="${MID - HALF}" y2="${MID + HALF}" stroke="#8c959f" />
    ${trimLine(tLo, 'start')} ${trimLine(tHi, 'end')}
    ${xTicks.map((t) => html`<text x="${x(t)}" y="${MID + HALF + 26}" text-anchor="middle" class="ax">${num(t)}</text>`)}
    <text x="${round((L + W - R) / 2)}" y="${H - 6}" text-anchor="middle" class="ax">
      propensity score (estimated probability of being treated) · ${count(o.trimmed)} assets outside the trim bounds left out
    </text>
  </svg>`;
}
