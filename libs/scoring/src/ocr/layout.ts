/** Geometry of axis-aligned text boxes: reading order and covered area. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Reading order, top to bottom then left to right: boxes whose vertical extents overlap by at least half
 * the shorter one's height form a line; lines go by their top edge, boxes within a line by their left edge.
 * Returns indices into `boxes`, grouped by line.
 */
export function readingOrder(boxes: Rect[]): number[][] {
  const byCentre = boxes.map((_, i) => i).sort((a, b) => boxes[a].y + boxes[a].height / 2 - (boxes[b].y + boxes[b].height / 2));
  const lines: { top: number; bottom: number; members: number[] }[] = [];
  for (const i of byCentre) {
    const b = boxes[i];
    const line = lines.at(-1);
    const overlap = line ? Math.min(line.bottom, b.y + b.height) - Math.max(line.top, b.y) : -1;
    if (line && overlap >= 0.5 * Math.min(b.height, line.bottom - line.top)) {
      line.members.push(i);
      line.top = Math.min(line.top, b.y);
      line.bottom = Math.max(line.bottom, b.y + b.height);
    } else {
      lines.push({ top: b.y, bottom: b.y + b.height, members: [i] });
    }
  }
  lines.sort((a, b) => a.top - b.top);
  return lines.map((l) => l.members.sort((a, b) => boxes[a].x - boxes[b].x));
}

/** Area covered by the union of the boxes (exact, by coordinate compression). */
export function unionArea(boxes: Rect[]): number {
  if (!boxes.length) return 0;
  const xs = [...new Set(boxes.flatMap((b) => [b.x, b.x + b.width]))].sort((a, b) => a - b);
  const ys = [...new Set(boxes.flatMap((b) => [b.y, b.y + b.height]))].sort((a, b) => a - b);
  let area = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    for (let j = 0; j + 1 < ys.length; j++) {
      const cx = (xs[i] + xs[i + 1]) / 2;
      const cy = (ys[j] + ys[j + 1]) / 2;
      if (boxes.some((b) => cx > b.x && cx < b.x + b.width && cy > b.y && cy < b.y + b.height)) area += (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j]);
    }
  }
  return area;
}
