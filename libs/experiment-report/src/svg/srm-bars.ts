import { count, lift } from '../format.js';
import { html, type Html } from '../html.js';
import { linear, niceDomain, truncate } from './scale.js';

export interface SrmBar {
  variant: string;
  isControl: boolean;
  observed: number;
  expected: number;
}

const W = 820;
const X0 = 150;
const X1 = 560;
const PAIR_H = 56;
const TOP = 30;

/**
 * Observed against expected units per variant as paired horizontal bars: observed solid, expected outlined and
 * dashed, each labelled with its count and the deviation, so a mismatch reads without colour.
 */
export function srmBars(bars: SrmBar[], id: string, failed: boolean): Html {
  const dom = niceDomain(0, Math.max(...bars.flatMap((b) => [b.observed, b.expected]), 1), 4);
  const x = linear(0, dom.hi, X0, X1);
  const fill = failed ? '#a40e26' : '#116329';
  const H = TOP + bars.length * PAIR_H + 34;
  const body = bars.map((b, i) => {
    const y = TOP + i * PAIR_H;
    const dev = b.expected > 0 ? b.observed / b.expected - 1 : NaN;
    return html`<g class="srm-bar" data-variant="${b.variant}" data-observed="${b.observed}" data-expected="${b.expected}">
      <title>${b.variant}: observed ${count(b.observed)}, expected ${count(b.expected)} (${lift(dev)})</title>
      <text x="${X0 - 12}" y="${y + 22}" text-anchor="end" class="lbl">${truncate(b.variant, 16)}</text>
      ${b.isControl && b.variant !== 'control' ? html`<text x="${X0 - 12}" y="${y + 38}" text-anchor="end" class="ax">control</text>` : ''}
      <rect class="observed" x="${X0}" y="${y + 6}" width="${Math.max(1, x(b.observed) - X0)}" height="18" fill="${fill}" />
      <rect
        class="expected"
        x="${X0}"
        y="${y + 28}"
        width="${Math.max(1, x(b.expected) - X0)}"
        height="18"
        fill="#fff"
        stroke="#24292f"
        stroke-width="1.5"
        stroke-dasharray="5 3"
      />
      <text x="${X1 + 14}" y="${y + 20}" class="ax">observed ${count(b.observed)}</text>
      <text x="${X1 + 14}" y="${y + 42}" class="ax">expected ${count(b.expected)} · ${lift(dev)}</text>
    </g>`;
  });
  const yEnd = TOP + bars.length * PAIR_H;
  return html`<svg class="srm-chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}">
    <title id="${id}">
      Observed against expected units per variant:
      ${bars.map((b) => `${b.variant} ${count(b.observed)} observed, ${count(b.expected)} expected`).join('; ')}
    </title>
    <rect x="${X0}" y="6" width="14" height="12" fill="${fill}" />
    <text x="${X0 + 20}" y="17" class="ax">observed units</text>
    <rect x="${X0 + 150}" y="6" width="14" height="12" fill="#fff" stroke="#24292f" stroke-dasharray="5 3" />
    <text x="${X0 + 170}" y="17" class="ax">expected from the planned weights</text>
    ${dom.ticks.map(
      (t) =>
        html`<line x1="${x(t)}" x2="${x(t)}" y1="${TOP}" y2="${yEnd}" stroke="#d0d7de" /><text
            x="${x(t)}"
            y="${yEnd + 18}"
            text-anchor="middle"
            class="ax"
            >${count(t)}</text
          >`,
    )}
    ${body}
  </svg>`;
}
