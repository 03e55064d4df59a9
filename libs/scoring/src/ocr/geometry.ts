/**
 * The OpenCV geometry PaddleOCR's DB post-processing calls, ported from OpenCV 4.x: `convexHull` (Sklansky,
 * integer points), `minAreaRect` (rotating calipers in single precision), `boxPoints`, and `fillPoly`
 * (8-connected edges + scan-line interior). Single-precision steps go through `Math.fround` so that corner
 * coordinates carry OpenCV's rounding: PaddleOCR truncates them to integers before the unclip offset, so a
 * corner at 3.9999998 instead of 4 moves a box by a pixel.
 */
export type Point = [number, number];
/** Corners clockwise on screen (y down): top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

const f32 = Math.fround;

/** `cv::convexHull(points, hull, clockwise)` for integer points: hull vertices in OpenCV's order. */
export function convexHull(points: Point[], clockwise = false): Point[] {
  const total = points.length;
  if (total === 0) return [];
  // sorted by x, then y, then input position (OpenCV compares the pointers last)
  const order = points.map((_, i) => i).sort((a, b) => points[a][0] - points[b][0] || points[a][1] - points[b][1] || a - b);
  const p = (k: number) => points[order[k]];
  let minY = 0;
  let maxY = 0;
  for (let i = 1; i < total; i++) {
    const y = p(i)[1];
    if (p(minY)[1] > y) minY = i;
    if (p(maxY)[1] < y) maxY = i;
  }
  const first = p(0);
  const last = p(total - 1);
  if (first[0] === last[0] && first[1] === last[1]) return [points[order[0]]];

  // one stack for the four chains, as in OpenCV (a degenerate check below reads across two of them)
  const stack = new Int32Array(total + 2);
  const hull: number[] = [];
  // upper half: the chains from the leftmost and from the rightmost point to the highest-y point
  const leftUp = sklansky(p, 0, maxY, stack, 0, -1, 1);
  const rightUp = sklansky(p, total - 1, maxY, stack, leftUp, -1, -1);
  let [tl, tlCount, tr, trCount] = [0, leftUp, leftUp, rightUp];
  if (!clockwise) [tl, tlCount, tr, trCount] = [tr, trCount, tl, tlCount];
  for (let i = 0; i < tlCount - 1; i++) hull.push(order[stack[tl + i]]);
  for (let i = trCount - 1; i > 0; i--) hull.push(order[stack[tr + i]]);
  const stopIdx = trCount > 2 ? stack[tr + 1] : tlCount > 2 ? stack[tl + tlCount - 2] : -1;

  // lower half
  const leftDown = sklansky(p, 0, minY, stack, 0, 1, -1);
  const rightDown = sklansky(p, total - 1, minY, stack, leftDown, 1, 1);
  let [bl, blCount, br, brCount] = [0, leftDown, leftDown, rightDown];
  if (clockwise) [bl, blCount, br, brCount] = [br, brCount, bl, blCount];
  if (stopIdx >= 0) {
    const checkIdx = blCount > 2 ? stack[bl + 1] : blCount + brCount > 2 ? stack[br + 2 - blCount] : -1;
    if (checkIdx === stopIdx || (checkIdx >= 0 && p(checkIdx)[0] === p(stopIdx)[0] && p(checkIdx)[1] === p(stopIdx)[1])) {
      // all points on one line: the lower half mirrors the upper one
      blCount = Math.min(blCount, 2);
      brCount = Math.min(brCount, 2);
    }
  }
  for (let i = 0; i < blCount - 1; i++) hull.push(order[stack[bl + i]]);
  for (let i = brCount - 1; i > 0; i--) hull.push(order[stack[br + i]]);
  return rotateToMonotone(hull).map((i) => points[i]);
}

/** OpenCV's `Sklansky_` on sorted points (int arithmetic); writes indices into `stack` from `base`. */
function sklansky(
  p: (k: number) => Point,
  start: number,
  end: number,
  stack: Int32Array,
  base: number,
  nsign: number,
  sign2: number,
): number {
  const incr = end > start ? 1 : -1;
  let pprev = start;
  let pcur = pprev + incr;
  let pnext = pcur + incr;
  let size = 3;
  if (start === end || (p(start)[0] === p(end)[0] && p(start)[1] === p(end)[1])) {
    stack[base] = start;
    return 1;
  }
  stack[base] = pprev;
  stack[base + 1] = pcur;
  stack[base + 2] = pnext;
  const after = end + incr;
  while (pnext !== after) {
    const cur = p(pcur);
    const next = p(pnext);
    if (cur[0] === next[0] && cur[1] === next[1]) {
      pnext += incr;
      stack[base + size - 1] = pnext;
      continue;
    }
    const by = next[1] - cur[1];
    if (Math.sign(by) !== nsign) {
      const prev = p(pprev);
      const ax = cur[0] - prev[0];
      const ay = cur[1] - prev[1];
      const bx = next[0] - cur[0];
      const convexity = ay * bx - ax * by; // > 0: convex angle
      if (Math.sign(convexity) === sign2 && (ax !== 0 || ay !== 0)) {
        pprev = pcur;
        pcur = pnext;
        pnext += incr;
        stack[base + size] = pnext;
        size++;
      } else if (pprev === start) {
        pcur = pnext;
        stack[base + 1] = pcur;
        pnext += incr;
        stack[base + 2] = pnext;
      } else {
        stack[base + size - 2] = pnext;
        pcur = pprev;
        pprev = stack[base + size - 4];
        size--;
      }
    } else {
      pnext += incr;
      stack[base + size - 1] = pnext;
    }
  }
  return size - 1;
}

/** OpenCV shifts the hull cyclically so that its input indices ascend or descend where they can. */
function rotateToMonotone(hull: number[]): number[] {
  const n = hull.length;
  if (n < 3) return hull;
  let minIdx = 0;
  let maxIdx = 0;
  let lt = 0;
  for (let i = 1; i < n; i++) {
    const idx = hull[i];
    lt += hull[i - 1] < idx ? 1 : 0;
    if (lt > 1 && lt <= i - 2) break;
    if (idx < hull[minIdx]) minIdx = i;
    if (idx > hull[maxIdx]) maxIdx = i;
  }
  const mmdist = Math.abs(maxIdx - minIdx);
  if (!((mmdist === 1 || mmdist === n - 1) && (lt <= 1 || lt >= n - 2))) return hull;
  const ascending = (maxIdx + 1) % n === minIdx;
  const i0 = ascending ? minIdx : maxIdx;
  if (i0 === 0) return hull;
  const out: number[] = [];
  let j = i0;
  for (let i = 0; i < n; i++) {
    const cur = hull[j];
    const nj = j + 1 < n ? j + 1 : 0;
    out.push(cur);
    if (i < n - 1 && ascending !== cur < hull[nj]) return hull;
    j = nj;
  }
  return out;
}

export interface RotatedRect {
  center: Point;
  /** [width, height]: width along the `angle` direction */
  size: [number, number];
  /** degrees */
  angle: number;
}

const rot90cw = (v: Point): Point => [v[1], -v[0]];
/** true when the first vector points to the right of (clockwise from) the second */
function firstVecIsRight(a: Point, b: Point): boolean {
  const t = rot90cw(a);
  return f32(f32(t[0] * b[0]) + f32(t[1] * b[1])) < 0;
}

/** OpenCV's `rotatingCalipers(..., CALIPERS_MINAREARECT)`: corner, side vector 1, side vector 2. */
function rotatingCalipers(pts: Point[]): [Point, Point, Point] {
  const n = pts.length;
  const vect: Point[] = [];
  const inv: number[] = [];
  let left = 0;
  let bottom = 0;
  let right = 0;
  let top = 0;
  let [leftX, topY] = pts[0];
  let rightX = leftX;
  let bottomY = topY;
  for (let i = 0; i < n; i++) {
    const p0 = pts[i];
    if (p0[0] < leftX) [leftX, left] = [p0[0], i];
    if (p0[0] > rightX) [rightX, right] = [p0[0], i];
    if (p0[1] > topY) [topY, top] = [p0[1], i];
    if (p0[1] < bottomY) [bottomY, bottom] = [p0[1], i];
    const p1 = pts[i + 1 < n ? i + 1 : 0];
    const dx = p1[0] - p0[0];
    const dy = p1[1] - p0[1];
    vect.push([f32(dx), f32(dy)]);
    inv.push(f32(1 / Math.sqrt(dx * dx + dy * dy)));
  }
  let orientation = 0;
  {
    let [ax, ay] = vect[n - 1];
    for (let i = 0; i < n; i++) {
      const [bx, by] = vect[i];
      const convexity = ax * by - ay * bx;
      if (convexity !== 0) {
        orientation = convexity > 0 ? 1 : -1;
        break;
      }
      ax = bx;
      ay = by;
    }
  }
  let baseA = orientation;
  let baseB = 0;
  const seq = [bottom, right, top, left];
  let minArea = Number.MAX_VALUE;
  let best = { left: 0, a: 0, width: 0, b: 0, height: 0, bottom: 0 };
  for (let k = 0; k < n; k++) {
    // the caliper side making the smallest angle with its hull edge turns onto that edge
    const rot: Point[] = [vect[seq[0]], rot90cw(vect[seq[1]]), [-vect[seq[2]][0], -vect[seq[2]][1]], [-vect[seq[3]][1], vect[seq[3]][0]]];
    let main = 0;
    for (let i = 1; i < 4; i++) if (firstVecIsRight(rot[i], rot[main])) main = i;
    const pi = seq[main];
    const leadX = f32(vect[pi][0] * inv[pi]);
    const leadY = f32(vect[pi][1] * inv[pi]);
    if (main === 0) [baseA, baseB] = [leadX, leadY];
    else if (main === 1) [baseA, baseB] = [leadY, -leadX];
    else if (main === 2) [baseA, baseB] = [-leadX, -leadY];
    else [baseA, baseB] = [-leadY, leadX];
    seq[main] = seq[main] + 1 === n ? 0 : seq[main] + 1;

    let dx = f32(pts[seq[1]][0] - pts[seq[3]][0]);
    let dy = f32(pts[seq[1]][1] - pts[seq[3]][1]);
    const width = f32(f32(dx * baseA) + f32(dy * baseB));
    dx = f32(pts[seq[2]][0] - pts[seq[0]][0]);
    dy = f32(pts[seq[2]][1] - pts[seq[0]][1]);
    const height = f32(f32(-dx * baseB) + f32(dy * baseA));
    const area = f32(width * height);
    if (area <= minArea) {
      minArea = area;
      best = { left: seq[3], a: baseA, width, b: baseB, height, bottom: seq[0] };
    }
  }
  const A1 = best.a;
  const B1 = best.b;
  const A2 = -best.b;
  const B2 = best.a;
  const C1 = f32(f32(A1 * pts[best.left][0]) + f32(pts[best.left][1] * B1));
  const C2 = f32(f32(A2 * pts[best.bottom][0]) + f32(pts[best.bottom][1] * B2));
  const idet = f32(1 / f32(f32(A1 * B2) - f32(A2 * B1)));
  const px = f32(f32(f32(C1 * B2) - f32(C2 * B1)) * idet);
  const py = f32(f32(f32(A1 * C2) - f32(A2 * C1)) * idet);
  return [
    [px, py],
    [f32(A1 * best.width), f32(B1 * best.width)],
    [f32(A2 * best.height), f32(B2 * best.height)],
  ];
}

/** `cv::minAreaRect` of integer points (OpenCV ≥ 4.5.1: counter-clockwise hull, calipers compared by cross sign). */
export function minAreaRect(points: Point[]): RotatedRect {
  const hull = convexHull(points, false);
  const n = hull.length;
  if (n > 2) {
    const [corner, v1, v2] = rotatingCalipers(hull);
    const center: Point = [f32(corner[0] + f32(f32(v1[0] + v2[0]) * 0.5)), f32(corner[1] + f32(f32(v1[1] + v2[1]) * 0.5))];
    const size: [number, number] = [f32(Math.sqrt(v1[0] * v1[0] + v1[1] * v1[1])), f32(Math.sqrt(v2[0] * v2[0] + v2[1] * v2[1]))];
    const rad = f32(Math.atan2(v1[1], v1[0]));
    return { center, size, angle: f32(f32(rad * 180) / Math.PI) };
  }
  if (n === 2) {
    const dx = hull[1][0] - hull[0][0];
    const dy = hull[1][1] - hull[0][1];
    const rad = f32(Math.atan2(dy, dx));
    return {
      center: [f32(f32(hull[0][0] + hull[1][0]) * 0.5), f32(f32(hull[0][1] + hull[1][1]) * 0.5)],
      size: [f32(Math.sqrt(dx * dx + dy * dy)), 0],
      angle: f32(f32(rad * 180) / Math.PI),
    };
  }
  return { center: n === 1 ? [hull[0][0], hull[0][1]] : [0, 0], size: [0, 0], angle: 0 };
}

/** `cv::boxPoints` (`RotatedRect::points`), in single precision. */
export function boxPoints(r: RotatedRect): Point[] {
  const rad = (r.angle * Math.PI) / 180;
  const b = f32(f32(Math.cos(rad)) * 0.5);
  const a = f32(f32(Math.sin(rad)) * 0.5);
  const [cx, cy] = r.center;
  const [w, h] = r.size;
  const p0: Point = [f32(f32(cx - f32(a * h)) - f32(b * w)), f32(f32(cy + f32(b * h)) - f32(a * w))];
  const p1: Point = [f32(f32(cx + f32(a * h)) - f32(b * w)), f32(f32(cy - f32(b * h)) - f32(a * w))];
  return [p0, p1, [f32(f32(2 * cx) - p0[0]), f32(f32(2 * cy) - p0[1])], [f32(f32(2 * cx) - p1[0]), f32(f32(2 * cy) - p1[1])]];
}

/**
 * PaddleOCR's `get_mini_boxes`: the min-area rectangle's corners sorted by x (stable), then ordered
 * top-left, top-right, bottom-right, bottom-left; and its shorter side.
 */
export function getMiniBoxes(points: Point[]): { box: Quad; sside: number } {
  const rect = minAreaRect(points);
  const p = boxPoints(rect).sort((a, b) => a[0] - b[0]);
  const [i1, i4] = p[1][1] > p[0][1] ? [0, 1] : [1, 0];
  const [i2, i3] = p[3][1] > p[2][1] ? [2, 3] : [3, 2];
  return { box: [p[i1], p[i2], p[i3], p[i4]], sside: Math.min(rect.size[0], rect.size[1]) };
}

/** `cv::fillPoly` of one polygon with integer vertices (LINE_8, shift 0) into a width×height 0/1 mask. */
export function fillPolyMask(mask: Uint8Array, width: number, height: number, poly: Point[]): void {
  const XY_SHIFT = 16;
  const XY_ONE = 1 << XY_SHIFT;
  interface Edge {
    y0: number;
    y1: number;
    x: number;
    dx: number;
    next: Edge | null;
  }
  const edges: Edge[] = [];
  const n = poly.length;
  let pt0 = poly[n - 1];
  for (let i = 0; i < n; i++) {
    const pt1 = poly[i];
    drawLine(mask, width, height, pt0, pt1);
    if (pt0[1] !== pt1[1]) {
      const x0 = pt0[0] * XY_ONE;
      const x1 = pt1[0] * XY_ONE;
      const top = pt0[1] < pt1[1];
      edges.push({
        y0: top ? pt0[1] : pt1[1],
        y1: top ? pt1[1] : pt0[1],
        x: top ? x0 : x1,
        dx: Math.trunc((x1 - x0) / (pt1[1] - pt0[1])),
        next: null,
      });
    }
    pt0 = pt1;
  }
  // FillEdgeCollection
  if (edges.length < 2) return;
  let yMax = -Infinity;
  let yMin = Infinity;
  let xMax = -Infinity;
  let xMin = Infinity;
  for (const e of edges) {
    const x1 = e.x + (e.y1 - e.y0) * e.dx;
    yMin = Math.min(yMin, e.y0);
    yMax = Math.max(yMax, e.y1);
    xMin = Math.min(xMin, e.x, x1);
    xMax = Math.max(xMax, e.x, x1);
  }
  if (yMax < 0 || yMin >= height || xMax < 0 || xMin >= width * XY_ONE) return;
  edges.sort((a, b) => a.y0 - b.y0 || a.x - b.x || a.dx - b.dx);
  const total = edges.length;
  edges.push({ y0: Number.MAX_SAFE_INTEGER, y1: 0, x: 0, dx: 0, next: null });
  const head: Edge = { y0: 0, y1: 0, x: 0, dx: 0, next: null };
  let i = 0;
  let e = edges[0];
  yMax = Math.min(yMax, height);
  for (let y = e.y0; y < yMax; y++) {
    let prelast: Edge = head;
    let last = head.next;
    let keep: Edge = head;
    let draw = false;
    while (last || e.y0 === y) {
      if (last && last.y1 === y) {
        // the edge ends on this row
        prelast.next = last.next;
        last = last.next;
        continue;
      }
      keep = prelast;
      if (last && (e.y0 > y || last.x < e.x)) {
        prelast = last;
        last = last.next;
      } else if (i < total) {
        prelast.next = e;
        e.next = last;
        prelast = e;
        e = edges[++i];
      } else break;
      if (draw) {
        if (y >= 0) {
          let x1: number;
          let x2: number;
          if (keep.x > prelast.x) {
            x1 = Math.floor((prelast.x + XY_ONE - 1) / XY_ONE);
            x2 = Math.floor(keep.x / XY_ONE);
          } else {
            x1 = Math.floor((keep.x + XY_ONE - 1) / XY_ONE);
            x2 = Math.floor(prelast.x / XY_ONE);
          }
          if (x1 < width && x2 >= 0) mask.fill(1, y * width + Math.max(x1, 0), y * width + Math.min(x2, width - 1) + 1);
        }
        keep.x += keep.dx;
        prelast.x += prelast.dx;
      }
      draw = !draw;
    }
    // keep the active edges sorted by x (bubble sort)
    let sorted: Edge | null = null;
    let swapped = false;
    do {
      prelast = head;
      last = head.next;
      while (last && last !== sorted && last.next) {
        const te: Edge = last.next;
        if (last.x > te.x) {
          prelast.next = te;
          last.next = te.next;
          te.next = last;
          prelast = te;
          swapped = true;
        } else {
          prelast = last;
          last = te;
        }
      }
      sorted = prelast;
    } while (swapped && sorted !== head.next && sorted !== head);
  }
}

/** OpenCV's `Line` (8-connected, drawn left to right, clipped to the image first). */
function drawLine(mask: Uint8Array, width: number, height: number, a: Point, b: Point): void {
  let [x1, y1] = a;
  let [x2, y2] = b;
  if (x1 < 0 || x1 >= width || x2 < 0 || x2 >= width || y1 < 0 || y1 >= height || y2 < 0 || y2 >= height) {
    const c = clipLine(width, height, x1, y1, x2, y2);
    if (!c) return;
    [x1, y1, x2, y2] = c;
  }
  if (x2 < x1) [x1, y1, x2, y2] = [x2, y2, x1, y1];
  let dx = x2 - x1;
  let dy = Math.abs(y2 - y1);
  const sy = y2 < y1 ? -1 : 1;
  // steps: along the major axis every time, along the minor one when the error says so
  let major: [number, number] = [1, 0];
  let minor: [number, number] = [0, sy];
  if (dy > dx) {
    [dx, dy] = [dy, dx];
    [major, minor] = [
      [0, sy],
      [1, 0],
    ];
  }
  let err = dx - (dy + dy);
  let x = x1;
  let y = y1;
  for (let i = 0; i <= dx; i++) {
    mask[y * width + x] = 1;
    if (err < 0) {
      err += dx + dx - (dy + dy);
      x += major[0] + minor[0];
      y += major[1] + minor[1];
    } else {
      err -= dy + dy;
      x += major[0];
      y += major[1];
    }
  }
}

/** OpenCV's `clipLine` (Cohen–Sutherland on integers, C division truncating toward zero). */
function clipLine(width: number, height: number, x1: number, y1: number, x2: number, y2: number): [number, number, number, number] | null {
  const right = width - 1;
  const bottom = height - 1;
  const code = (x: number, y: number) => (x < 0 ? 1 : 0) + (x > right ? 2 : 0) + (y < 0 ? 4 : 0) + (y > bottom ? 8 : 0);
  let c1 = code(x1, y1);
  let c2 = code(x2, y2);
  if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
    if (c1 & 12) {
      const a = c1 < 8 ? 0 : bottom;
      x1 += Math.trunc(((a - y1) * (x2 - x1)) / (y2 - y1));
      y1 = a;
      c1 = (x1 < 0 ? 1 : 0) + (x1 > right ? 2 : 0);
    }
    if (c2 & 12) {
      const a = c2 < 8 ? 0 : bottom;
      x2 += Math.trunc(((a - y2) * (x2 - x1)) / (y2 - y1));
      y2 = a;
      c2 = (x2 < 0 ? 1 : 0) + (x2 > right ? 2 : 0);
    }
    if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
      if (c1) {
        const a = c1 === 1 ? 0 : right;
        y1 += Math.trunc(((a - x1) * (y2 - y1)) / (x2 - x1));
        x1 = a;
        c1 = 0;
      }
      if (c2) {
        const a = c2 === 1 ? 0 : right;
        y2 += Math.trunc(((a - x2) * (y2 - y1)) / (x2 - x1));
        x2 = a;
        c2 = 0;
      }
    }
  }
  return (c1 | c2) === 0 ? [x1, y1, x2, y2] : null;
}

/** Shoelace area (absolute) and perimeter of a polygon, in double precision like shapely. */
export function polygonAreaPerimeter(poly: Point[]): { area: number; perimeter: number } {
  let a = 0;
  let len = 0;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    a += poly[j][0] * poly[i][1] - poly[i][0] * poly[j][1];
    len += Math.hypot(poly[i][0] - poly[j][0], poly[i][1] - poly[j][1]);
  }
  return { area: Math.abs(a) / 2, perimeter: len };
}
