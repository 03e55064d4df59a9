import { finite } from '../format.js';
import { html, type Html } from '../html.js';
import { marker, series } from './marks.js';
import { linear, niceDomain, round, truncate } from './scale.js';

export interface ForestItem {
  /** rows are drawn in groups (primary, secondary, guardrail) under a heading each */
  group: string;
  label: string;
  /** second line of the label, e.g. the treatment */
  detail?: string;
  seriesIndex: number;
  estimate: number;
  ci: readonly [number, number];
  /** a wider interval drawn as an outlined box around the bar (the always-valid interval of a sequential test) */
  wideCi?: readonly [number, number];
  /** a limit drawn as a dashed tick (a guardrail's non-inferiority margin) */
  margin?: number;
  /** the row's reading at the right: estimate and interval as text, so nothing is read from the drawing alone */
  text: string;
  /** data attributes of the row (for tests and scrapers) */
  attrs?: Html;
}

export interface ForestOptions {
  id: string;
  title: string;
  fmtTick: (x: number) => string;
  axisLabel: string;
  lowerText: string;
  higherText: string;
  ciText: string;
}

const W = 960;
const LABEL_W = 230;
const X0 = LABEL_W + 20;
const X1 = W - 250;
const ROW_H = 38;
const GROUP_H = 28;
const TOP = 34;

/** A forest plot: each row's estimate and interval against a zero line, all rows on one axis, grouped under headings. */
export function forestPlot(items: ForestItem[], o: ForestOptions): Html {
  const values = items.flatMap((r) => [r.estimate, ...r.ci, ...(r.wideCi ?? []), ...(finite(r.margin) ? [r.margin] : [])]).filter(finite);
  const dom = niceDomain(Math.min(...values, 0), Math.max(...values, 0), 5);
  const x = linear(dom.lo, dom.hi, X0, X1);
  const groups = [...new Set(items.map((r) => r.group))];
  // the marker glyph in the label is a key only when rows belong to more than one series
  const manySeries = new Set(items.map((r) => r.seriesIndex)).size > 1;
  const rows: Html[] = [];
  const stripes: Html[] = [];
  let y = TOP;
  const hasWide = items.some((r) => r.wideCi);
  const hasMargin = items.some((r) => finite(r.margin));
  for (const g of groups) {
    rows.push(html`<text x="8" y="${y + 19}" class="grp">${g}</text>`);
    y += GROUP_H;
    items
      .filter((r) => r.group === g)
      .forEach((r, i) => {
        const yc = y + ROW_H / 2;
        const s = series(r.seriesIndex);
        const key = manySeries ? `${s.glyph} ` : '';
        const wide = r.wideCi
          ? html`<rect
              class="wide-ci"
              x="${x(r.wideCi[0])}"
              y="${yc - 8}"
              width="${Math.max(1, x(r.wideCi[1]) - x(r.wideCi[0]))}"
              height="16"
              fill="#fff"
              stroke="${s.colour}"
              stroke-width="1.5"
              stroke-dasharray="4 2"
            />`
          : '';
        const margin = finite(r.margin)
          ? html`<line
                class="margin"
                x1="${x(r.margin)}"
                x2="${x(r.margin)}"
                y1="${yc - 14}"
                y2="${yc + 14}"
                stroke="#24292f"
                stroke-width="2"
                stroke-dasharray="3 2"
              /><text x="${x(r.margin)}" y="${yc - 16}" text-anchor="middle" class="ax">NI</text>`
          : '';
        if (i % 2 === 0) stripes.push(html`<rect x="0" y="${y}" width="${W}" height="${ROW_H}" fill="#f6f8fa" />`);
        rows.push(
          html`<g class="forest-row" ${r.attrs ?? ''}>
            <title>${r.label}${r.detail ? ` (${r.detail})` : ''}: ${r.text}</title>
            <text x="${LABEL_W}" y="${r.detail ? yc - 3 : yc + 5}" text-anchor="end" class="lbl">${truncate(r.label, 28)}</text>
            ${r.detail ? html`<text x="${LABEL_W}" y="${yc + 13}" text-anchor="end" class="ax">${key}${truncate(r.detail, 26)}</text>` : ''}
            ${wide}
            <line class="ci" x1="${x(r.ci[0])}" x2="${x(r.ci[1])}" y1="${yc}" y2="${yc}" stroke="${s.colour}" stroke-width="4" />
            ${margin} ${marker(s.shape, x(r.estimate), yc, 6, s.colour)}
            <text x="${X1 + 20}" y="${yc + 5}" class="val">${r.text}</text>
          </g>`,
        );
        y += ROW_H;
      });
  }
  const yEnd = y;
  const legend: Html[] = [
    html`<line x1="${X0}" x2="${X0 + 26}" y1="${yEnd + 52}" y2="${yEnd + 52}" stroke="#24292f" stroke-width="4" /><text
        x="${X0 + 32}"
        y="${yEnd + 56}"
        class="ax"
        >${o.ciText}</text
      >`,
  ];
  let lx = X0 + 200;
  if (hasWide) {
    legend.push(
      html`<rect x="${lx}" y="${yEnd + 44}" width="26" height="16" fill="#fff" stroke="#24292f" stroke-dasharray="4 2" /><text
          x="${lx + 32}"
          y="${yEnd + 56}"
          class="ax"
          >always-valid (sequential) CI</text
        >`,
    );
    lx += 230;
  }
  if (hasMargin)
    legend.push(
      html`<line
          x1="${lx + 10}"
          x2="${lx + 10}"
          y1="${yEnd + 42}"
          y2="${yEnd + 62}"
          stroke="#24292f"
          stroke-width="2"
          stroke-dasharray="3 2"
        /><text x="${lx + 20}" y="${yEnd + 56}" class="ax">NI = non-inferiority margin</text>`,
    );
  const H = yEnd + 72;
  return html`<svg
    class="forest"
    id="${o.id}"
    viewBox="0 0 ${W} ${H}"
    width="100%"
    role="img"
    aria-labelledby="${o.id}-title"
    data-rows="${items.length}"
  >
    <title id="${o.id}-title">${o.title}</title>
    <text x="${X0}" y="18" class="ax" text-anchor="start">${o.lowerText}</text>
    <text x="${X1}" y="18" class="ax" text-anchor="end">${o.higherText}</text>
    ${stripes}
    ${dom.ticks.map(
      (t) =>
        html`<line
            x1="${x(t)}"
            x2="${x(t)}"
            y1="${TOP - 4}"
            y2="${yEnd + 4}"
            stroke="${t === 0 ? '#24292f' : '#d0d7de'}"
            stroke-width="${t === 0 ? 1.5 : 1}"
            ${t === 0 ? html`class="zero"` : ''}
          /><text x="${x(t)}" y="${yEnd + 20}" text-anchor="middle" class="ax">${o.fmtTick(t)}</text>`,
    )}
    ${rows}
    <text x="${round((X0 + X1) / 2)}" y="${yEnd + 36}" text-anchor="middle" class="ax">${o.axisLabel}</text>
    ${legend}
  </svg>`;
}
