import sharp from 'sharp';
import type { RenderedView } from './mesh-renderer.js';

export interface ContactSheetOptions {
  /** default: 4, or fewer views */
  columns?: number;
  /** each view's azimuth in its top left corner; default true */
  label?: boolean;
}

/** The views in one PNG grid, row by row, for people to look at; every cell is as large as the largest view. */
export async function contactSheet(views: RenderedView[], options: ContactSheetOptions = {}): Promise<Uint8Array> {
  if (views.length === 0) throw new RangeError('a contact sheet needs at least one view');
  const columns = options.columns ?? Math.min(4, views.length);
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`columns must be a positive integer, not ${columns}`);
  const cellWidth = Math.max(...views.map((v) => v.width));
  const cellHeight = Math.max(...views.map((v) => v.height));
  const rows = Math.ceil(views.length / columns);
  const layers: sharp.OverlayOptions[] = [];
  views.forEach((view, i) => {
    const left = (i % columns) * cellWidth;
    const top = Math.floor(i / columns) * cellHeight;
    layers.push({ input: Buffer.from(view.png.buffer, view.png.byteOffset, view.png.byteLength), left, top });
    if (options.label ?? true) layers.push({ input: labelSvg(`${round(view.azimuthDeg)}°`, cellHeight), left, top });
  });
  const sheet = sharp({ create: { width: columns * cellWidth, height: rows * cellHeight, channels: 3, background: '#ffffff' } });
  return new Uint8Array(await sheet.composite(layers).png().toBuffer());
}

function round(deg: number): string {
  return String(Math.round(deg * 10) / 10);
}

/** A dark tag with white text, sized to the cell so it reads at any view size. */
function labelSvg(text: string, cellHeight: number): Buffer {
  const font = Math.max(10, Math.round(cellHeight / 20));
  const width = Math.round(font * (0.62 * text.length + 1));
  const height = Math.round(font * 1.6);
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="100%" height="100%" fill="#000" fill-opacity="0.55"/>` +
      `<text x="${font / 2}" y="${font * 1.18}" font-family="DejaVu Sans, sans-serif" font-size="${font}" fill="#fff">${text}</text></svg>`,
  );
}
