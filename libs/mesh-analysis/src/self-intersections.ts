import { KeyTable } from './hash-table.js';

export interface SelfIntersections {
  /** pairs of faces sharing no (welded) vertex whose closed triangles meet (touching counts) */
  pairs: number;
  /** the time limit stopped the search: `pairs` is a lower bound */
  capped: boolean;
}

const orient = (p: Float64Array, a: number, b: number, c: number, d: number) => {
  const ax = p[a * 3] - p[d * 3],
    ay = p[a * 3 + 1] - p[d * 3 + 1],
    az = p[a * 3 + 2] - p[d * 3 + 2];
  const bx = p[b * 3] - p[d * 3],
    by = p[b * 3 + 1] - p[d * 3 + 1],
    bz = p[b * 3 + 2] - p[d * 3 + 2];
  const cx = p[c * 3] - p[d * 3],
    cy = p[c * 3 + 1] - p[d * 3 + 1],
    cz = p[c * 3 + 2] - p[d * 3 + 2];
  return Math.sign(ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx));
};

/** Segment pq meets triangle abc (not coplanar with it). */
function segmentMeetsTriangle(p: Float64Array, s: number, t: number, a: number, b: number, c: number): boolean {
  const os = orient(p, a, b, c, s);
  const ot = orient(p, a, b, c, t);
  if (os * ot > 0 || (os === 0 && ot === 0)) return false;
  const e1 = orient(p, s, t, a, b);
  const e2 = orient(p, s, t, b, c);
  const e3 = orient(p, s, t, c, a);
  return !((e1 > 0 || e2 > 0 || e3 > 0) && (e1 < 0 || e2 < 0 || e3 < 0));
}

/** Coplanar triangles overlap: in the plane of the dominant normal axis, an edge pair crosses or a corner is inside. */
function coplanarOverlap(p: Float64Array, t: number[], u: number[]): boolean {
  const [a, b, c] = t;
  const nx = Math.abs(
    (p[b * 3 + 1] - p[a * 3 + 1]) * (p[c * 3 + 2] - p[a * 3 + 2]) - (p[b * 3 + 2] - p[a * 3 + 2]) * (p[c * 3 + 1] - p[a * 3 + 1]),
  );
  const ny = Math.abs((p[b * 3 + 2] - p[a * 3 + 2]) * (p[c * 3] - p[a * 3]) - (p[b * 3] - p[a * 3]) * (p[c * 3 + 2] - p[a * 3 + 2]));
  const nz = Math.abs((p[b * 3] - p[a * 3]) * (p[c * 3 + 1] - p[a * 3 + 1]) - (p[b * 3 + 1] - p[a * 3 + 1]) * (p[c * 3] - p[a * 3]));
  const [i, j] = nx >= ny && nx >= nz ? [1, 2] : ny >= nz ? [2, 0] : [0, 1];
  const o2 = (q: number, r: number, s: number) =>
    Math.sign(
      (p[r * 3 + i] - p[q * 3 + i]) * (p[s * 3 + j] - p[q * 3 + j]) - (p[r * 3 + j] - p[q * 3 + j]) * (p[s * 3 + i] - p[q * 3 + i]),
    );
  const inside = (q: number, [x, y, z]: number[]) => {
    const s1 = o2(x, y, q),
      s2 = o2(y, z, q),
      s3 = o2(z, x, q);
    return !((s1 > 0 || s2 > 0 || s3 > 0) && (s1 < 0 || s2 < 0 || s3 < 0));
  };
  for (let k = 0; k < 3; k++)
    for (let l = 0; l < 3; l++) {
      const [q, r, s, w] = [t[k], t[(k + 1) % 3], u[l], u[(l + 1) % 3]];
      const d1 = o2(q, r, s),
        d2 = o2(q, r, w),
        d3 = o2(s, w, q),
        d4 = o2(s, w, r);
      if (d1 * d2 < 0 && d3 * d4 < 0) return true;
    }
  return inside(t[0], u) || inside(u[0], t);
}

function trianglesMeet(p: Float64Array, t: number[], u: number[]): boolean {
  const [a, b, c] = t;
  const [d, e, f] = u;
  if (orient(p, a, b, c, d) === 0 && orient(p, a, b, c, e) === 0 && orient(p, a, b, c, f) === 0) return coplanarOverlap(p, t, u);
  for (let k = 0; k < 3; k++) {
    if (segmentMeetsTriangle(p, u[k], u[(k + 1) % 3], a, b, c)) return true;
    if (segmentMeetsTriangle(p, t[k], t[(k + 1) % 3], d, e, f)) return true;
  }
  return false;
}

/**
 * Pairs of faces that intersect, found through a uniform grid (cell side = the mean largest side of the faces'
 * boxes): a pair is tested once, in the cell holding the minimum corner of the overlap of its two boxes. Faces
 * sharing a vertex are not tested (neighbours touch by construction; Open3D's rule), nor `skip`ped ones.
 */
export function selfIntersections(positions: Float64Array, corners: Uint32Array, skip: Uint8Array, timeLimitMs: number): SelfIntersections {
  const F = corners.length / 3;
  const box = new Float64Array(F * 6);
  let side = 0;
  let live = 0;
  for (let f = 0; f < F; f++) {
    for (let k = 0; k < 3; k++) {
      const [x, y, z] = [positions[corners[f * 3 + k] * 3], positions[corners[f * 3 + k] * 3 + 1], positions[corners[f * 3 + k] * 3 + 2]];
      if (k === 0) box.set([x, y, z, x, y, z], f * 6);
      else {
        box[f * 6] = Math.min(box[f * 6], x);
        box[f * 6 + 1] = Math.min(box[f * 6 + 1], y);
        box[f * 6 + 2] = Math.min(box[f * 6 + 2], z);
        box[f * 6 + 3] = Math.max(box[f * 6 + 3], x);
        box[f * 6 + 4] = Math.max(box[f * 6 + 4], y);
        box[f * 6 + 5] = Math.max(box[f * 6 + 5], z);
      }
    }
    if (skip[f]) continue;
    live++;
    side += Math.max(box[f * 6 + 3] - box[f * 6], box[f * 6 + 4] - box[f * 6 + 1], box[f * 6 + 5] - box[f * 6 + 2]);
  }
  const cell = side / Math.max(1, live) || 1;
  const at = (x: number) => Math.floor(x / cell);
  const cells = new KeyTable(F * 4, 3);
  const entries: number[] = [];
  const coords: number[] = [];
  for (let f = 0; f < F; f++) {
    if (skip[f]) continue;
    for (let x = at(box[f * 6]); x <= at(box[f * 6 + 3]); x++)
      for (let y = at(box[f * 6 + 1]); y <= at(box[f * 6 + 4]); y++)
        for (let z = at(box[f * 6 + 2]); z <= at(box[f * 6 + 5]); z++) {
          const before = cells.size;
          entries.push(cells.id(x, y, z), f);
          if (cells.size > before) coords.push(x, y, z);
        }
  }
  // faces per cell, as offsets into one array
  const start = new Uint32Array(cells.size + 1);
  for (let i = 0; i < entries.length; i += 2) start[entries[i] + 1]++;
  for (let c = 0; c < cells.size; c++) start[c + 1] += start[c];
  const members = new Uint32Array(entries.length / 2);
  const fill = start.slice(0, cells.size);
  for (let i = 0; i < entries.length; i += 2) members[fill[entries[i]]++] = entries[i + 1];

  const deadline = performance.now() + timeLimitMs;
  let pairs = 0;
  let tests = 0;
  const t = [0, 0, 0];
  const u = [0, 0, 0];
  for (let c = 0; c < cells.size; c++)
    for (let m = start[c]; m < start[c + 1]; m++) {
      const f = members[m];
      const [a, b, d] = [corners[f * 3], corners[f * 3 + 1], corners[f * 3 + 2]];
      for (let n = m + 1; n < start[c + 1]; n++) {
        const g = members[n];
        if (++tests % 4096 === 0 && performance.now() > deadline) return { pairs, capped: true };
        const [x, y, z] = [corners[g * 3], corners[g * 3 + 1], corners[g * 3 + 2]];
        if (x === a || x === b || x === d || y === a || y === b || y === d || z === a || z === b || z === d) continue;
        // boxes overlap, and this cell holds the overlap's minimum corner (so the pair is tested once)
        let mine = true;
        for (let k = 0; k < 3 && mine; k++) {
          const lo = Math.max(box[f * 6 + k], box[g * 6 + k]);
          mine = lo <= Math.min(box[f * 6 + 3 + k], box[g * 6 + 3 + k]) && at(lo) === coords[c * 3 + k];
        }
        if (!mine) continue;
        t[0] = a;
        t[1] = b;
        t[2] = d;
        u[0] = x;
        u[1] = y;
        u[2] = z;
        if (trianglesMeet(positions, t, u)) pairs++;
      }
    }
  return { pairs, capped: false };
}
