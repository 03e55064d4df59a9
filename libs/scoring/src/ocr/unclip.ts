/**
 * PaddleOCR's `unclip`: grow a box by distance = area × ratio / perimeter with pyclipper's
 * `PyclipperOffset` (Clipper 6.4, JT_ROUND, ET_CLOSEDPOLYGON, arc tolerance 0.25). Ported from Clipper's
 * `ClipperOffset::DoOffset` for one closed path, so the round corners get exactly Clipper's vertices.
 * Two properties of the original are kept on purpose: pyclipper truncates the float corners to integers
 * before offsetting, and the result is integer points. Clipper's final union (which only drops collinear
 * and duplicate vertices of this convex outline) is left out: the caller only needs its convex hull.
 */
import { polygonAreaPerimeter, type Point } from './geometry.js';

const ARC_TOLERANCE = 0.25; // pyclipper's default, also Clipper's def_arc_tolerance
const TWO_PI = 2 * Math.PI;

// Clipper's Round casts `val ± 0.5` to an integer (truncation): half away from zero
const clipperRound = (v: number) => Math.trunc(v < 0 ? v - 0.5 : v + 0.5) || 0; // no −0

function unitNormal(a: Point, b: Point): Point {
  if (a[0] === b[0] && a[1] === b[1]) return [0, 0];
  let dx = b[0] - a[0];
  let dy = b[1] - a[1];
  const f = 1 / Math.sqrt(dx * dx + dy * dy);
  dx *= f;
  dy *= f;
  return [dy, -dx];
}

/** Clipper's signed area (positive for its "outer" orientation). */
function clipperArea(poly: Point[]): number {
  let a = 0;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) a += (poly[j][0] + poly[i][0]) * (poly[j][1] - poly[i][1]);
  return -a * 0.5;
}

/** The offset outline of `box` (float corners), or [] when Clipper drops the path. */
export function unclip(box: Point[], unclipRatio: number): Point[] {
  const { area, perimeter } = polygonAreaPerimeter(box);
  const delta = (area * unclipRatio) / perimeter;
  // AddPath: integer points (truncated), consecutive duplicates and a closing duplicate removed
  const raw = box.map(([x, y]): Point => [Math.trunc(x) || 0, Math.trunc(y) || 0]);
  let high = raw.length - 1;
  while (high > 0 && raw[0][0] === raw[high][0] && raw[0][1] === raw[high][1]) high--;
  const src: Point[] = [raw[0]];
  for (let i = 1; i <= high; i++) {
    const last = src[src.length - 1];
    if (last[0] !== raw[i][0] || last[1] !== raw[i][1]) src.push(raw[i]);
  }
  if (src.length < 3 || !(delta > 0)) return [];
  // FixOrientations: closed paths are turned to positive area before offsetting
  if (clipperArea(src) < 0) src.reverse();

  const y = ARC_TOLERANCE > delta * ARC_TOLERANCE ? delta * ARC_TOLERANCE : ARC_TOLERANCE;
  let steps = Math.PI / Math.acos(1 - y / delta);
  if (steps > delta * Math.PI) steps = delta * Math.PI;
  const sin = Math.sin(TWO_PI / steps);
  const cos = Math.cos(TWO_PI / steps);
  const stepsPerRad = steps / TWO_PI;

  const len = src.length;
  const normals: Point[] = [];
  for (let j = 0; j < len - 1; j++) normals.push(unitNormal(src[j], src[j + 1]));
  normals.push(unitNormal(src[len - 1], src[0]));

  const out: Point[] = [];
  const at = (j: number, n: Point): Point => [clipperRound(src[j][0] + n[0] * delta), clipperRound(src[j][1] + n[1] * delta)];
  let k = len - 1;
  for (let j = 0; j < len; j++) {
    const nk = normals[k];
    const nj = normals[j];
    let sinA = nk[0] * nj[1] - nj[0] * nk[1];
    const cosA = nk[0] * nj[0] + nj[1] * nk[1];
    if (Math.abs(sinA * delta) < 1 && cosA > 0) {
      // nearly straight: one vertex, and (as in Clipper) k stays on the previous edge
      out.push(at(j, nk));
      continue;
    }
    if (sinA > 1) sinA = 1;
    else if (sinA < -1) sinA = -1;
    if (sinA * delta < 0) {
      // concave corner
      out.push(at(j, nk), [src[j][0], src[j][1]], at(j, nj));
    } else {
      // DoRound
      const a = Math.atan2(sinA, nk[0] * nj[0] + nk[1] * nj[1]);
      const n = Math.max(clipperRound(stepsPerRad * Math.abs(a)), 1);
      let X = nk[0];
      let Y = nk[1];
      for (let i = 0; i < n; i++) {
        out.push(at(j, [X, Y]));
        const X2 = X;
        X = X * cos - sin * Y;
        Y = X2 * sin + Y * cos;
      }
      out.push(at(j, nj));
    }
    k = j;
  }
  return out;
}
