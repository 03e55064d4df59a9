import type { TimelinePoint } from '@assay/contracts';
import { finite, lift } from '../format.js';
import { html, type Html } from '../html.js';
import { marker, series } from './marks.js';
import { linear, niceDomain, round, truncate } from './scale.js';

const W = 960;
const H = 360;
const L = 76;
const R = 24;
const T = 56;
const B = 50;

const dayOf = (date: string, i: number) => {
  const t = Date.parse(date);
  return Number.isNaN(t) ? i : t / 86_400_000;
};
const shortDate = (date: string) => (/^\d{4}-\d{2}-\d{2}/.test(date) ? date.slice(5, 10) : date);

/**
 * The primary metric's cumulative relative lift per treatment, day by day: a line with a marker per day, its
 * confidence interval as a shaded band and the always-valid interval (sequential designs) as a wider dashed band.
 * The y axis covers the fixed intervals and the last day's always-valid one; the first days' wider bands are clamped
 * to the plot's edge rather than squashing the rest.
 */
export function timelineChart(points: TimelinePoint[], variants: string[], metric: string, ciText: string, id: string): Html {
  const pts = [...points].sort((a, b) => a.date.localeCompare(b.date));
  const days = pts.map((p, i) => dayOf(p.date, i));
  const last = pts.at(-1);
  const values = [
    ...pts.flatMap((p) => p.lifts.flatMap((l) => [l.estimate, ...l.ci])),
    ...(last?.lifts.flatMap((l) => l.sequentialCi ?? []) ?? []),
  ].filter(finite);
  const dom = niceDomain(Math.min(...values, 0), Math.max(...values, 0), 5);
  const x = linear(days[0] ?? 0, days.at(-1) ?? 1, L, W - R);
  const y = linear(dom.lo, dom.hi, H - B, T);
  const hasSequential = pts.some((p) => p.lifts.some((l) => l.sequentialCi));

  const band = (cls: string, lo: number[], hi: number[], xs: number[], colour: string, opacity: number, dashed: boolean) => {
    const upper = xs.map((xv, k) => `${xv},${y(hi[k])}`);
    const lower = xs.map((xv, k) => `${xv},${y(lo[k])}`).reverse();
    return html`<polygon
      class="${cls}"
      points="${[...upper, ...lower].join(' ')}"
      fill="${colour}"
      fill-opacity="${opacity}"
      ${dashed ? html`stroke="${colour}" stroke-width="1" stroke-dasharray="5 3"` : html`stroke="none"`}
    />`;
  };

  const lines = variants.map((v, vi) => {
    const s = series(vi);
    const own = pts.map((p, k) => ({ l: p.lifts.find((q) => q.variant === v), xv: x(days[k]), date: p.date })).filter((o) => o.l);
    if (!own.length) return html``;
    const xs = own.map((o) => o.xv);
    const seq = own.every((o) => o.l!.sequentialCi)
      ? band(
          'seq-band',
          own.map((o) => o.l!.sequentialCi![0]),
          own.map((o) => o.l!.sequentialCi![1]),
          xs,
          s.colour,
          0.06,
          true,
        )
      : '';
    const ci = band(
      'ci-band',
      own.map((o) => o.l!.ci[0]),
      own.map((o) => o.l!.ci[1]),
      xs,
      s.colour,
      0.16,
      false,
    );
    const line = own.map((o) => `${o.xv},${y(o.l!.estimate)}`).join(' ');
    return html`<g class="timeline-series" data-variant="${v}" data-points="${own.length}">
      <title>${v}: cumulative lift ${own.map((o) => `${o.date} ${lift(o.l!.estimate)}`).join(', ')}</title>
      ${seq} ${ci}
      <polyline points="${line}" fill="none" stroke="${s.colour}" stroke-width="2.5" />
      ${own.map((o) => marker(s.shape, o.xv, y(o.l!.estimate), 4, s.colour, true, 'pt'))}
    </g>`;
  });

  // about seven date labels, always the first and the last
  const every = Math.max(1, Math.ceil(pts.length / 7));
  const lastK = pts.length - 1;
  const dateTicks = pts
    .map((p, k) => ({ p, k }))
    .filter(({ k }) => k === lastK || (k % every === 0 && lastK - k >= Math.max(1, every / 2)));
  const legend = variants.map((v, vi) => {
    const s = series(vi);
    const lx = L + vi * 200;
    return html`${marker(s.shape, lx + 6, 20, 5, s.colour, true, 'key')}<line
        x1="${lx - 6}"
        x2="${lx + 18}"
        y1="20"
        y2="20"
        stroke="${s.colour}"
        stroke-width="2.5"
      /><text x="${lx + 26}" y="25" class="lbl">${truncate(v, 18)}</text>`;
  });
  const bandKey = html`<text x="${L}" y="46" class="ax">
    shaded band: ${ciText}${hasSequential ? '; wider dashed band: always-valid (sequential) CI' : ''}
  </text>`;
  return html`<svg class="timeline" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}" data-days="${pts.length}">
    <title id="${id}">
      Cumulative relative lift of ${metric} per day for ${variants.join(', ')}, with
      ${ciText}${hasSequential ? ' and always-valid bands' : ''}
    </title>
    ${legend} ${bandKey}
    ${dom.ticks.map(
      (t) =>
        html`<line
            x1="${L}"
            x2="${W - R}"
            y1="${y(t)}"
            y2="${y(t)}"
            stroke="${t === 0 ? '#24292f' : '#d0d7de'}"
            stroke-width="${t === 0 ? 1.5 : 1}"
            ${t === 0 ? html`class="zero"` : ''}
          /><text x="${L - 8}" y="${y(t) + 4}" text-anchor="end" class="ax">${lift(t)}</text>`,
    )}
    ${lines}
    ${dateTicks.map(
      ({ p, k }) => html`<text x="${x(days[k])}" y="${H - B + 18}" text-anchor="middle" class="ax">${shortDate(p.date)}</text>`,
    )}
    <text x="${round((L + W - R) / 2)}" y="${H - 8}" text-anchor="middle" class="ax">date (cumulative over the units exposed so far)</text>
  </svg>`;
}
