import type { MeshAsset } from '@assay/mesh-io';

export interface MeshCounts {
  /** vertices of all primitives as stored (not welded) */
  vertices: number;
  /** triangles of the triangle primitives */
  triangles: number;
  primitives: number;
  /** meshes in the source (MeshAsset.meshCount) */
  meshes: number;
  materials: number;
  textures: number;
  /** one per primitive: what a renderer issues without instancing or batching */
  drawCalls: number;
  linePrimitives: number;
  pointPrimitives: number;
}

export function meshCounts(asset: MeshAsset): MeshCounts {
  let vertices = 0;
  let triangles = 0;
  let linePrimitives = 0;
  let pointPrimitives = 0;
  for (const p of asset.primitives) {
    vertices += p.positions.length / 3;
    if (p.mode === 'triangles') triangles += Math.floor(p.indices.length / 3);
    else if (p.mode === 'lines') linePrimitives++;
    else pointPrimitives++;
  }
  return {
    vertices,
    triangles,
    primitives: asset.primitives.length,
    meshes: asset.meshCount,
    materials: asset.materials.length,
    textures: asset.textures.length,
    drawCalls: asset.primitives.length,
    linePrimitives,
    pointPrimitives,
  };
}
