import type { Reading, ScoreDelta } from '@assay/contracts';
import { html, type Html } from '../html.js';
import { num, signed } from '../format.js';
import { READING_COLOUR, READING_GLYPH, READING_TEXT } from '../labels.js';

/** How a row's differences were divided so every score shares one axis. */
export type ForestScale = 'baseline_sd' | 'candidate_sd' | 'largest_bound';

export interface ForestRow {
  score: string;
  reading: Reading;
  /** the difference, its interval and the optional non-inferiority limit, in the score's own units */
  value: number | null;
  lo: number | null;
  hi: number | null;
  margin: number | null;
  /** what the row was divided by, and which quantity that is */
  scale: number;
  scaleKind: ForestScale;
}

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** A score delta as a forest row: divided by the baseline sd, else the candidate's, else its own largest |bound|. */
export function forestRow(d: ScoreDelta, margin: number | null): ForestRow {
  const [lo, hi] = d.difference.ci;
  const value = d.difference.value;
  let scale = d.baseline.std;
  let scaleKind: ForestScale = 'baseline_sd';
  if (!(finite(scale) && scale > 0)) {
    scale = d.candidate.std;
    scaleKind = 'candidate_sd';
  }
  if (!(finite(scale) && scale > 0)) {
    scale = Math.max(...[lo, hi, value, margin].filter(finite).map(Math.abs), 0) || 1;
    scaleKind = 'largest_bound';
  }
  return { score: d.score, reading: d.reading, value, lo, hi, margin, scale, scaleKind };
}

/** The smallest of 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, … that is at least x. */
function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

const W = 960;
const LABEL_W = 250;
const READ_W = 240;
const X0 = LABEL_W + 20;
const X1 = W - READ_W - 20;
const ROW_H = 34;
const TOP = 34;
const BOTTOM = 46;

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const round = (x: number) => Math.round(x * 100) / 100;

const bar = (x1: number, x2: number, y: number, colour: string) =>
  html`<line class="ci" x1="${x1}" x2="${x2}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="5" />`;
const marginTick = (x: number, y: number, margin: number) =>
  html`<line class="margin" x1="${x}" x2="${x}" y1="${y - 12}" y2="${y + 12}" stroke="#24292f" stroke-width="2" stroke-dasharray="3 2">
    <title>non-inferiority limit ${signed(margin)}</title>
  </line>`;

/** Normalised value of a row (null stays null). */
const norm = (x: number | null, r: ForestRow) => (finite(x) ? x / r.scale : null);

/** The forest plot: each score's difference and interval against a zero line, one shared normalised axis. */
export function forestPlot(rows: ForestRow[], ciLevel: string): Html {
  const extent = Math.max(
    ...rows
      .flatMap((r) => [r.lo, r.hi, r.value, r.margin].map((x) => norm(x, r)))
      .filter(finite)
      .map(Math.abs),
    0,
  );
  const D = niceCeil(extent * 1.05);
  const x = (v: number) => round(X0 + ((Math.max(-D, Math.min(D, v)) + D) / (2 * D)) * (X1 - X0));
  const H = TOP + rows.length * ROW_H + BOTTOM;
  const yEnd = TOP + rows.length * ROW_H;
  const ticks = [-D, -D / 2, 0, D / 2, D];
  const label =
    `Forest plot of ${rows.length} score difference${rows.length === 1 ? '' : 's'} (candidate − baseline) ` +
    `with ${ciLevel} confidence intervals, in standard deviations`;

  const body = rows.map((r, i) => {
    const yc = round(TOP + i * ROW_H + ROW_H / 2);
    const colour = READING_COLOUR[r.reading];
    const lo = norm(r.lo, r);
    const hi = norm(r.hi, r);
    const v = norm(r.value, r);
    const xl = lo === null ? X0 : x(lo);
    const xh = hi === null ? X1 : x(hi);
    const tip = `${r.score}: ${signed(r.value)} [${num(r.lo)}, ${num(r.hi)}], ${READING_TEXT[r.reading]}`;
    const open = (xe: number, dir: -1 | 1) =>
      html`<polygon class="open-bound" points="${xe},${yc - 6} ${xe},${yc + 6} ${round(xe + dir * 8)},${yc}" fill="${colour}" />`;
    return html`<g
      class="forest-row"
      data-score="${r.score}"
      data-reading="${r.reading}"
      data-ci-lo="${lo ?? ''}"
      data-ci-hi="${hi ?? ''}"
      data-value="${v ?? ''}"
      data-scale="${r.scaleKind}"
    >
      <title>${tip}</title>
      ${i % 2 === 0 ? html`<rect x="0" y="${TOP + i * ROW_H}" width="${W}" height="${ROW_H}" fill="#f6f8fa" />` : ''}
      <text x="${LABEL_W}" y="${yc + 5}" text-anchor="end" class="lbl"
        >${truncate(r.score, 30)}${r.scaleKind === 'largest_bound' ? ' *' : ''}</text
      >
      ${lo !== null || hi !== null ? bar(xl, xh, yc, colour) : ''}
      ${lo === null && hi !== null ? open(X0, -1) : ''}${hi === null && lo !== null ? open(X1, 1) : ''}
      ${v !== null ? html`<circle class="est" cx="${x(v)}" cy="${yc}" r="6" fill="#fff" stroke="${colour}" stroke-width="3" />` : ''}
      ${r.margin !== null ? marginTick(x(r.margin / r.scale), yc, r.margin) : ''}
      <text x="${X1 + 24}" y="${yc + 5}" class="rd" fill="${colour}">${READING_GLYPH[r.reading]} ${READING_TEXT[r.reading]}</text>
    </g>`;
  });

  return html`<svg
    class="forest"
    viewBox="0 0 ${W} ${H}"
    width="100%"
    role="img"
    aria-labelledby="forest-title"
    data-domain="${D}"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title id="forest-title">${label}</title>
    <text x="${X0}" y="18" class="ax" text-anchor="start">← candidate lower</text>
    <text x="${X1}" y="18" class="ax" text-anchor="end">candidate higher →</text>
    ${ticks.map(
      (t) =>
        html`<line
            x1="${x(t)}"
            x2="${x(t)}"
            y1="${TOP - 4}"
            y2="${yEnd + 4}"
            stroke="${t === 0 ? '#24292f' : '#d0d7de'}"
            stroke-width="${t === 0 ? 1.5 : 1}"
            ${t === 0 ? html` class="zero"` : ''}
          />
          <text x="${x(t)}" y="${yEnd + 22}" text-anchor="middle" class="ax">${t === 0 ? '0' : `${signed(t)} sd`}</text>`,
    )}
    ${body}
    <text x="${(X0 + X1) / 2}" y="${yEnd + 40}" text-anchor="middle" class="ax">difference ÷ standard deviation</text>
  </svg>`;
}
