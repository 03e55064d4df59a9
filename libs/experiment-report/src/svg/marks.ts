import { html, type Html } from '../html.js';

/**
 * One colour and one marker shape per treatment, so a series reads without colour (shape and label) and each
 * colour stays ≥ 4.5:1 on white.
 */
export const SERIES = [
  { colour: '#0b5cad', shape: 'circle', glyph: '●', name: 'circle' },
  { colour: '#9a4a00', shape: 'square', glyph: '■', name: 'square' },
  { colour: '#6639ba', shape: 'diamond', glyph: '◆', name: 'diamond' },
  { colour: '#0e6e6e', shape: 'triangle', glyph: '▲', name: 'triangle' },
  { colour: '#a3195b', shape: 'circle', glyph: '●', name: 'circle' },
] as const;

export const CONTROL_COLOUR = '#57606a';

export const series = (i: number) => SERIES[i % SERIES.length];

/** A marker of size ~2r centred on (x, y); `filled` false draws it hollow (white inside). */
export function marker(shape: string, x: number, y: number, r: number, colour: string, filled = true, cls = 'est'): Html {
  const fill = filled ? colour : '#fff';
  const common = html`class="${cls}" fill="${fill}" stroke="${colour}" stroke-width="2"`;
  const p = (pts: [number, number][]) => pts.map(([a, b]) => `${Math.round(a * 100) / 100},${Math.round(b * 100) / 100}`).join(' ');
  switch (shape) {
    case 'square':
      return html`<rect x="${x - r}" y="${y - r}" width="${2 * r}" height="${2 * r}" ${common} />`;
    case 'diamond':
      return html`<polygon
        points="${p([
          [x, y - r * 1.3],
          [x + r * 1.3, y],
          [x, y + r * 1.3],
          [x - r * 1.3, y],
        ])}"
        ${common}
      />`;
    case 'triangle':
      return html`<polygon
        points="${p([
          [x, y - r * 1.3],
          [x + r * 1.2, y + r],
          [x - r * 1.2, y + r],
        ])}"
        ${common}
      />`;
    default:
      return html`<circle cx="${x}" cy="${y}" r="${r}" ${common} />`;
  }
}
