import type { MeshAsset } from '@assay/mesh-io';
import { triangleSoup } from './triangle-soup.js';
import { weightedSummary, type WeightedSummary } from './weighted-stats.js';

export interface UvOptions {
  /** side of the square raster coverage and overlap are measured on; default 1024 */
  raster?: number;
}

/** The UV layout (TEXCOORD_0) of the triangle primitives. */
export interface MeshUv {
  /** share of triangles whose primitive has UVs */
  uvPresent: number;
  /** share of UV vertices (of primitives with UVs) with u or v outside [0, 1] (tiling or a broken layout) */
  outOfUnitSquare: number;
  /**
   * share of the raster's texels (raster × raster over [0, 1]²) whose centre lies inside at least one UV triangle;
   * UVs are not wrapped: whatever lies outside the unit square is ignored (clamped away), not folded back in
   */
  coverage: number;
  /**
   * share of covered texels whose centre lies in two or more UV triangles (top-left fill rule, so triangles
   * that only share an edge do not overlap). Mirrored or stacked shells count: intended reuse looks the same
   */
  overlap: number;
  /** share of triangles (with UVs, non-zero 3D area) whose UV triangle has zero area */
  uvDegenerate: number;
  /**
   * area stretch per triangle: |ln r|, r = (UV area ÷ total UV area) ÷ (3D area ÷ total 3D area), over triangles
   * with UVs and non-zero areas, summarised weighted by 3D area (0 = every triangle gets its fair share of texture)
   */
  areaStretch: WeightedSummary | undefined;
  /**
   * angle stretch per triangle: σ1 / σ2 ≥ 1, the singular values of the Jacobian of the 3D triangle → UV triangle
   * map (1 = conformal: angles kept), summarised weighted by 3D area
   */
  angleStretch: WeightedSummary | undefined;
}

/**
 * Rasterises the triangle (u, v ∈ [0, 1] scaled to `size`) into `counts`, one increment per texel whose centre it
 * covers, saturating at 255. Top-left rule: a centre exactly on an edge belongs to one side only.
 */
function rasterise(counts: Uint8Array, size: number, x0: number, y0: number, x1: number, y1: number, x2: number, y2: number): void {
  if ((x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0) < 0) [x1, y1, x2, y2] = [x2, y2, x1, y1];
  const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
  if (!(area > 0)) return;
  const minX = Math.max(0, Math.ceil(Math.min(x0, x1, x2) - 0.5));
  const maxX = Math.min(size - 1, Math.floor(Math.max(x0, x1, x2) - 0.5));
  const minY = Math.max(0, Math.ceil(Math.min(y0, y1, y2) - 0.5));
  const maxY = Math.min(size - 1, Math.floor(Math.max(y0, y1, y2) - 0.5));
  // edge (a → b) of a counter-clockwise triangle: inside is w > 0; w = 0 counts on top or left edges only
  const edges = [
    [x1, y1, x2, y2],
    [x2, y2, x0, y0],
    [x0, y0, x1, y1],
  ].map(([ax, ay, bx, by]) => ({ ax, ay, dx: bx - ax, dy: by - ay, owns: by < ay || (by === ay && bx < ax) }));
  for (let y = minY; y <= maxY; y++) {
    const py = y + 0.5;
    for (let x = minX; x <= maxX; x++) {
      const px = x + 0.5;
      let inside = true;
      for (const e of edges) {
        const w = e.dx * (py - e.ay) - e.dy * (px - e.ax);
        if (w < 0 || (w === 0 && !e.owns)) {
          inside = false;
          break;
        }
      }
      if (inside && counts[y * size + x] < 255) counts[y * size + x]++;
    }
  }
}

export function meshUv(asset: MeshAsset, options: UvOptions = {}): MeshUv {
  const size = options.raster ?? 1024;
  const soup = triangleSoup(asset);
  const p = soup.positions;
  const counts = new Uint8Array(size * size);
  let uvVertices = 0;
  let outside = 0;
  let withUv = 0;
  const area3 = new Float64Array(soup.triangleCount);
  const areaUv = new Float64Array(soup.triangleCount);
  const conformal = new Float64Array(soup.triangleCount);
  const has = new Uint8Array(soup.triangleCount);
  let uvDegenerate = 0;
  let candidates = 0;
  for (const { primitive, vertexOffset, triangleOffset } of soup.parts) {
    const uv = primitive.uvs;
    if (!uv) continue;
    uvVertices += uv.length / 2;
    for (let i = 0; i < uv.length; i += 2) if (!(uv[i] >= 0 && uv[i] <= 1 && uv[i + 1] >= 0 && uv[i + 1] <= 1)) outside++;
    const triangles = Math.floor(primitive.indices.length / 3);
    withUv += triangles;
    for (let t = 0; t < triangles; t++) {
      const f = triangleOffset + t;
      const [a, b, c] = [primitive.indices[t * 3], primitive.indices[t * 3 + 1], primitive.indices[t * 3 + 2]];
      const [u0, v0, u1, v1, u2, v2] = [uv[a * 2], uv[a * 2 + 1], uv[b * 2], uv[b * 2 + 1], uv[c * 2], uv[c * 2 + 1]];
      rasterise(counts, size, u0 * size, v0 * size, u1 * size, v1 * size, u2 * size, v2 * size);
      // the 3D triangle in its own plane: P1 = (|e1|, 0), P2 = (e2·x̂, |e2 × x̂|)
      const [ga, gb, gc] = [a + vertexOffset, b + vertexOffset, c + vertexOffset];
      const e1 = [p[gb * 3] - p[ga * 3], p[gb * 3 + 1] - p[ga * 3 + 1], p[gb * 3 + 2] - p[ga * 3 + 2]];
      const e2 = [p[gc * 3] - p[ga * 3], p[gc * 3 + 1] - p[ga * 3 + 1], p[gc * 3 + 2] - p[ga * 3 + 2]];
      const l1 = Math.hypot(e1[0], e1[1], e1[2]);
      const cross = Math.hypot(e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]);
      if (!(l1 > 0 && cross > 0) || !Number.isFinite(cross)) continue;
      candidates++;
      const uvCross = (u1 - u0) * (v2 - v0) - (u2 - u0) * (v1 - v0);
      if (!(Math.abs(uvCross) > 0)) {
        uvDegenerate++;
        continue;
      }
      const [px1, px2, py2] = [l1, (e1[0] * e2[0] + e1[1] * e2[1] + e1[2] * e2[2]) / l1, cross / l1];
      // J = [U1 U2] · [P1 P2]⁻¹ with P1 = (px1, 0), P2 = (px2, py2)
      const det = px1 * py2;
      const [du1, dv1, du2, dv2] = [u1 - u0, v1 - v0, u2 - u0, v2 - v0];
      const j11 = (du1 * py2) / det,
        j12 = (du2 * px1 - du1 * px2) / det;
      const j21 = (dv1 * py2) / det,
        j22 = (dv2 * px1 - dv1 * px2) / det;
      const frob = j11 * j11 + j12 * j12 + j21 * j21 + j22 * j22;
      const jdet = Math.abs(j11 * j22 - j12 * j21);
      const root = Math.sqrt(Math.max(0, frob * frob - 4 * jdet * jdet));
      const s1 = Math.sqrt((frob + root) / 2);
      const s2 = Math.sqrt(Math.max(0, (frob - root) / 2));
      has[f] = 1;
      area3[f] = cross / 2;
      areaUv[f] = Math.abs(uvCross) / 2;
      conformal[f] = s2 > 0 ? s1 / s2 : Infinity;
    }
  }
  let covered = 0;
  let multiple = 0;
  for (const c of counts) {
    if (c > 0) covered++;
    if (c > 1) multiple++;
  }
  let total3 = 0;
  let totalUv = 0;
  for (let f = 0; f < soup.triangleCount; f++)
    if (has[f]) {
      total3 += area3[f];
      totalUv += areaUv[f];
    }
  const logRatio = new Float64Array(soup.triangleCount);
  for (let f = 0; f < soup.triangleCount; f++) if (has[f]) logRatio[f] = Math.abs(Math.log(areaUv[f] / totalUv / (area3[f] / total3)));
  return {
    uvPresent: soup.triangleCount ? withUv / soup.triangleCount : 0,
    outOfUnitSquare: uvVertices ? outside / uvVertices : 0,
    coverage: covered / (size * size),
    overlap: covered ? multiple / covered : 0,
    uvDegenerate: candidates ? uvDegenerate / candidates : 0,
    areaStretch: weightedSummary(logRatio, area3),
    angleStretch: weightedSummary(conformal, area3),
  };
}
