import type { MeshAsset, MeshPrimitive } from '@assay/mesh-io';

/**
 * The asset's triangle primitives concatenated into one vertex space: what topology, geometry and UV passes
 * walk. Lines and points are left out (they are only counted).
 */
export interface TriangleSoup {
  /** xyz of every vertex of every triangle primitive, primitive after primitive */
  positions: Float32Array;
  /** 3 per triangle, into `positions` (each primitive's indices offset by the vertices before it) */
  corners: Uint32Array;
  /** per triangle, its primitive's index in `asset.primitives` */
  primitiveOf: Uint32Array;
  /** the triangle primitives with the offset of their first vertex and first triangle */
  parts: { primitive: MeshPrimitive; index: number; vertexOffset: number; triangleOffset: number }[];
  vertexCount: number;
  triangleCount: number;
}

export function triangleSoup(asset: MeshAsset): TriangleSoup {
  const parts: TriangleSoup['parts'] = [];
  let vertexCount = 0;
  let triangleCount = 0;
  asset.primitives.forEach((primitive, index) => {
    if (primitive.mode !== 'triangles') return;
    parts.push({ primitive, index, vertexOffset: vertexCount, triangleOffset: triangleCount });
    vertexCount += primitive.positions.length / 3;
    triangleCount += Math.floor(primitive.indices.length / 3);
  });
  const positions = new Float32Array(vertexCount * 3);
  const corners = new Uint32Array(triangleCount * 3);
  const primitiveOf = new Uint32Array(triangleCount);
  for (const { primitive, index, vertexOffset, triangleOffset } of parts) {
    positions.set(primitive.positions, vertexOffset * 3);
    const n = Math.floor(primitive.indices.length / 3) * 3;
    for (let i = 0; i < n; i++) corners[triangleOffset * 3 + i] = primitive.indices[i] + vertexOffset;
    primitiveOf.fill(index, triangleOffset, triangleOffset + n / 3);
  }
  return { positions, corners, primitiveOf, parts, vertexCount, triangleCount };
}

/** Twice the area vector of triangle (a, b, c) of `p` written into `out`; returns its length (twice the area). */
export function doubleAreaVector(p: ArrayLike<number>, a: number, b: number, c: number, out: Float64Array): number {
  const ax = p[a * 3],
    ay = p[a * 3 + 1],
    az = p[a * 3 + 2];
  const ux = p[b * 3] - ax,
    uy = p[b * 3 + 1] - ay,
    uz = p[b * 3 + 2] - az;
  const vx = p[c * 3] - ax,
    vy = p[c * 3 + 1] - ay,
    vz = p[c * 3 + 2] - az;
  out[0] = uy * vz - uz * vy;
  out[1] = uz * vx - ux * vz;
  out[2] = ux * vy - uy * vx;
  return Math.sqrt(out[0] * out[0] + out[1] * out[1] + out[2] * out[2]);
}
