/** Geometry of text boxes (quadrilaterals): reading order and covered area. */
import type { Point, Quad } from './geometry.js';

/** Angle (radians) of a box's top edge, top-left → top-right. */
const topEdgeAngle = (q: Quad) => Math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0]);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Reading order, top to bottom then left to right. A tilted page would make every line's upright bounding
 * box overlap its neighbours', so the boxes are first turned by minus the median angle of their top edges
 * (0 for upright text: nothing changes). Then, on those boxes' extents: boxes whose vertical extents overlap
 * by at least half the shorter one's height form a line; lines go by their top edge, boxes within a line by
 * their left edge. Returns indices into `quads`, grouped by line.
 */
export function readingOrder(quads: Quad[]): number[][] {
  if (!quads.length) return [];
  const theta = median(quads.map(topEdgeAngle));
  const [c, s] = [Math.cos(theta), Math.sin(theta)];
  const boxes = quads.map((q) => {
    const xs = q.map(([x, y]) => x * c + y * s);
    const ys = q.map(([x, y]) => -x * s + y * c);
    const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
    return { x: x0, y: y0, width: Math.max(...xs) - x0, height: Math.max(...ys) - y0 };
  });
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

/** The x-interval [left, right] where the horizontal line at `y` crosses a convex polygon, or null. */
function span(poly: Point[], y: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [x0, y0] = poly[j];
    const [x1, y1] = poly[i];
    if (y < Math.min(y0, y1) || y > Math.max(y0, y1)) continue;
    if (y0 === y1) {
      lo = Math.min(lo, x0, x1);
      hi = Math.max(hi, x0, x1);
    } else {
      const x = x0 + ((y - y0) * (x1 - x0)) / (y1 - y0);
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * Pixels of a width×height image whose centre lies inside at least one of the convex quadrilaterals: the
 * union's area, rasterized row by row (intervals merged per row, no pixel mask). Edges follow the top-left
 * rule (a centre on a left or top edge counts, on a right or bottom edge not), so a box with integer
 * corners counts exactly its area, and two boxes sharing an edge never count it twice.
 */
export function quadUnionArea(quads: Quad[], width: number, height: number): number {
  const rows = new Map<number, [number, number][]>();
  for (const q of quads) {
    const ys = q.map((p) => p[1]);
    const y0 = Math.max(0, Math.ceil(Math.min(...ys) - 0.5));
    const y1 = Math.min(height, Math.ceil(Math.max(...ys) - 0.5));
    for (let y = y0; y < y1; y++) {
      const s = span(q, y + 0.5);
      if (!s) continue;
      const x0 = Math.max(0, Math.ceil(s[0] - 0.5));
      const x1 = Math.min(width, Math.ceil(s[1] - 0.5));
      if (x1 <= x0) continue;
      let list = rows.get(y);
      if (!list) rows.set(y, (list = []));
      list.push([x0, x1]);
    }
  }
  // each row: half-open intervals [x0, x1) of pixel columns, merged
  let area = 0;
  for (const list of rows.values()) {
    list.sort((a, b) => a[0] - b[0]);
    let [start, end] = list[0];
    for (const [a, b] of list.slice(1)) {
      if (a > end) {
        area += end - start;
        [start, end] = [a, b];
      } else end = Math.max(end, b);
    }
    area += end - start;
  }
  return area;
}
