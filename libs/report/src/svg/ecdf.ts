import type { ScoreDelta } from '@assay/contracts';
import { html, type Html } from '../html.js';
import { num } from '../format.js';

const W = 320;
const H = 190;
const L = 40;
const R = 12;
const T = 12;
const B = 40;

export const BASELINE_STYLE = { stroke: '#57606a', dash: '', name: 'solid grey line' };
export const CANDIDATE_STYLE = { stroke: '#0b5cad', dash: '6 4', name: 'dashed blue line' };

const finite = (x: number) => Number.isFinite(x);
const round = (x: number) => Math.round(x * 100) / 100;
const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Both sides' empirical distribution functions drawn from their quantiles at 0, 5, …, 100 %: the line through
 * (q_k, k / 20) is the ECDF with linear interpolation between the recorded quantiles.
 */
export function ecdfPlot(d: ScoreDelta, id: string): Html {
  const sides = [d.quantiles.baseline, d.quantiles.candidate];
  const usable = sides.every((q) => q.length >= 2 && q.every(finite));
  const label =
    `Distributions of ${d.score}: cumulative share of assets (0 to 1) against the score, ` +
    `baseline as a ${BASELINE_STYLE.name}, candidate as a ${CANDIDATE_STYLE.name}`;
  if (!usable) {
    return html`<p class="muted" data-ecdf-missing="${d.score}">No quantiles were recorded for this score.</p>`;
  }
  let lo = Math.min(...sides.flat());
  let hi = Math.max(...sides.flat());
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) * 0.05 || 0.5;
    lo -= pad;
    hi += pad;
  }
  const x = (v: number) => round(L + ((v - lo) / (hi - lo)) * (W - L - R));
  const y = (p: number) => round(T + (1 - p) * (H - T - B));
  const line = (q: number[], s: typeof BASELINE_STYLE, cls: string) => {
    const pts = q.map((v, k) => `${x(v)},${y(k / (q.length - 1))}`).join(' ');
    return html`<polyline
      class="${cls}"
      points="${pts}"
      fill="none"
      stroke="${s.stroke}"
      stroke-width="2.5"
      ${s.dash ? html` stroke-dasharray="${s.dash}"` : ''}
    />`;
  };
  return html`<svg class="ecdf" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}" xmlns="http://www.w3.org/2000/svg">
    <title id="${id}">${label}</title>
    ${[0, 0.5, 1].map(
      (p) =>
        html`<line x1="${L}" x2="${W - R}" y1="${y(p)}" y2="${y(p)}" stroke="#d0d7de" /><text
            x="${L - 6}"
            y="${y(p) + 4}"
            text-anchor="end"
            class="ax"
            >${p}</text
          >`,
    )}
    <line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#8c959f" />
    ${line(d.quantiles.baseline, BASELINE_STYLE, 'baseline')} ${line(d.quantiles.candidate, CANDIDATE_STYLE, 'candidate')}
    <text x="${L}" y="${H - B + 16}" text-anchor="start" class="ax">${num(lo)}</text>
    <text x="${W - R}" y="${H - B + 16}" text-anchor="end" class="ax">${num(hi)}</text>
    <text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle" class="ax">
      ${truncate(d.unit ? `${d.score} (${d.unit})` : d.score, 44)}
    </text>
  </svg>`;
}
