import type { MeshAsset, MeshMaterial, MeshPrimitive } from '@assay/mesh-io';

export const material = (overrides: Partial<MeshMaterial> = {}): MeshMaterial => ({
  baseColorFactor: [1, 1, 1, 1],
  metallicFactor: 0,
  roughnessFactor: 0.5,
  emissiveFactor: [0, 0, 0],
  textures: {},
  alphaMode: 'OPAQUE',
  doubleSided: false,
  unlit: false,
  ...overrides,
});

export const asset = (primitives: MeshPrimitive[], overrides: Partial<MeshAsset> = {}): MeshAsset => ({
  format: 'glb',
  unitScale: 1,
  primitives,
  materials: [],
  textures: [],
  meshCount: 1,
  nodeCount: 1,
  warnings: [],
  ...overrides,
});

/**
 * An axis-aligned cube of side `s` from the origin, outward-wound, split at every edge as a textured cube is:
 * 4 vertices per face (24 in all), each face mapped to the whole unit square, with outward normals.
 */
export function seamCube(s = 1): MeshPrimitive {
  const faces: [number[], number[]][] = [
    // corner order counter-clockwise seen from outside, and the outward normal
    [
      [0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1],
      [0, 0, 1],
    ],
    [
      [0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0],
      [0, 0, -1],
    ],
    [
      [1, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1],
      [1, 0, 0],
    ],
    [
      [0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0],
      [-1, 0, 0],
    ],
    [
      [0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0],
      [0, 1, 0],
    ],
    [
      [0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1],
      [0, -1, 0],
    ],
  ];
  const positions: number[] = [];
  const normals: number[] = [];
  const uvs: number[] = [];
  const indices: number[] = [];
  faces.forEach(([quad, n], i) => {
    positions.push(...quad.map((c) => c * s));
    for (let k = 0; k < 4; k++) normals.push(...n);
    uvs.push(0, 1, 1, 1, 1, 0, 0, 0);
    indices.push(i * 4, i * 4 + 1, i * 4 + 2, i * 4, i * 4 + 2, i * 4 + 3);
  });
  return {
    mesh: 0,
    mode: 'triangles',
    positions: Float32Array.from(positions),
    normals: Float32Array.from(normals),
    uvs: Float32Array.from(uvs),
    indices: Uint32Array.from(indices),
    material: 0,
  };
}

/** A torus (genus 1) of `n` × `m` quads, shared vertices, outward-wound. */
export function torus(n = 16, m = 8, R = 1, r = 0.25): MeshPrimitive {
  const positions: number[] = [];
  const indices: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const u = (2 * Math.PI * i) / n;
      const v = (2 * Math.PI * j) / m;
      positions.push((R + r * Math.cos(v)) * Math.cos(u), (R + r * Math.cos(v)) * Math.sin(u), r * Math.sin(v));
      const a = i * m + j;
      const b = ((i + 1) % n) * m + j;
      const c = ((i + 1) % n) * m + ((j + 1) % m);
      const d = i * m + ((j + 1) % m);
      indices.push(a, b, c, a, c, d);
    }
  return { mesh: 0, mode: 'triangles', positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}

/** A regular tetrahedron: 4 vertices, 4 outward-wound faces, shifted by `offset` on every axis. */
export function tetrahedron(offset = 0): MeshPrimitive {
  const p = [1, 1, 1, -1, -1, 1, -1, 1, -1, 1, -1, -1].map((c) => c + offset);
  return { mesh: 0, mode: 'triangles', positions: Float32Array.from(p), indices: Uint32Array.from([0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3]) };
}

/** `prim` with its faces rebuilt by `edit` (a copy: the original stays intact). */
export const withFaces = (prim: MeshPrimitive, edit: (faces: number[][]) => number[][]): MeshPrimitive => {
  const faces: number[][] = [];
  for (let i = 0; i < prim.indices.length; i += 3) faces.push([prim.indices[i], prim.indices[i + 1], prim.indices[i + 2]]);
  return { ...prim, indices: Uint32Array.from(edit(faces).flat()) };
};
