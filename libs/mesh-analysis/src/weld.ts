import { finiteBox } from '@assay/mesh-io';
import { KeyTable } from './hash-table.js';
import type { TriangleSoup } from './triangle-soup.js';

/** Default weld tolerance, relative to the diagonal of the triangles' bounding box. */
export const RELATIVE_WELD_TOLERANCE = 1e-6;

export interface Weld {
  /** per soup vertex, its welded vertex (vertices with a non-finite coordinate each stay their own) */
  vertexOf: Uint32Array;
  /** per triangle corner, the welded vertex */
  corners: Uint32Array;
  vertexCount: number;
  /** absolute tolerance used, metres */
  tolerance: number;
  /** bounding-box diagonal of the finite positions, metres */
  diagonal: number;
}

/**
 * Welds by position: every coordinate is quantised to a multiple of `tolerance` from the bounding box's minimum
 * (round to nearest), and vertices whose three quantised coordinates agree become one. This is trimesh's
 * merge_vertices rule (rounding to a grid, so two points closer than the tolerance can still fall on either side
 * of a cell boundary) with a grid of `tolerance` instead of 1e-8. Normals, UVs and colours are ignored: a cube
 * split at UV seams welds into a closed cube. `tolerance` 0 welds exactly equal positions only (Open3D's
 * remove_duplicated_vertices).
 */
export function weldSoup(soup: TriangleSoup, tolerance?: number): Weld {
  const p = soup.positions;
  const n = soup.vertexCount;
  const box = finiteBox([p]);
  const min = box?.min ?? [0, 0, 0];
  const diagonal = box ? Math.hypot(box.max[0] - min[0], box.max[1] - min[1], box.max[2] - min[2]) : 0;
  const tol = tolerance ?? RELATIVE_WELD_TOLERANCE * diagonal;
  const scale = tol > 0 ? 1 / tol : 0;
  const table = new KeyTable(n, 3);
  const vertexOf = new Uint32Array(n);
  // exact mode keys on the float32 bit patterns (+0 for -0); a non-finite vertex keys on (∞, its own number)
  const f32 = new Float32Array(1);
  const bits = new Uint32Array(f32.buffer);
  const exact = (x: number) => ((f32[0] = x + 0), bits[0]);
  let lonely = 0;
  for (let v = 0; v < n; v++) {
    const x = p[v * 3],
      y = p[v * 3 + 1],
      z = p[v * 3 + 2];
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) vertexOf[v] = table.id(Infinity, lonely++);
    else if (scale === 0) vertexOf[v] = table.id(exact(x), exact(y), exact(z));
    else vertexOf[v] = table.id(Math.round((x - min[0]) * scale), Math.round((y - min[1]) * scale), Math.round((z - min[2]) * scale));
  }
  const corners = new Uint32Array(soup.corners.length);
  for (let i = 0; i < corners.length; i++) corners[i] = vertexOf[soup.corners[i]];
  return { vertexOf, corners, vertexCount: table.size, tolerance: tol, diagonal };
}
