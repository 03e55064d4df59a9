import { isBinaryStl } from './detect-format.js';
import { checkLimit, unreadable } from './limits.js';
import type { MeshAsset } from './mesh-asset.js';
import { scaled, sequence, type ReadContext } from './read-context.js';

/**
 * STL, binary or ASCII. Triangles stay unindexed (indices 0..n-1), as STL stores them: welding shared corners is
 * the analysis's decision. Facet normals are copied to their three corners.
 */
export function readStl(bytes: Uint8Array, ctx: ReadContext): MeshAsset {
  const { positions, normals } = isBinaryStl(bytes) ? readBinary(bytes, ctx) : readAscii(bytes, ctx);
  const vertexCount = positions.length / 3;
  return {
    format: 'stl',
    unitScale: ctx.unitScale,
    primitives: [{ mesh: 0, mode: 'triangles', positions: scaled(positions, ctx.unitScale), indices: sequence(vertexCount), normals }],
    materials: [],
    textures: [],
    meshCount: 1,
    nodeCount: 1,
    warnings: [],
  };
}

function checkTriangles(count: number, ctx: ReadContext): void {
  checkLimit('STL triangles', count, ctx.limits.maxTriangles);
  checkLimit('STL vertices (3 per triangle, unwelded)', count * 3, ctx.limits.maxVertices);
}

function readBinary(bytes: Uint8Array, ctx: ReadContext) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(80, true);
  checkTriangles(count, ctx);
  const positions = new Float32Array(count * 9);
  const normals = new Float32Array(count * 9);
  for (let t = 0; t < count; t++) {
    const at = 84 + t * 50;
    for (let corner = 0; corner < 3; corner++) {
      for (let axis = 0; axis < 3; axis++) {
        positions[t * 9 + corner * 3 + axis] = view.getFloat32(at + 12 + corner * 12 + axis * 4, true);
        normals[t * 9 + corner * 3 + axis] = view.getFloat32(at + axis * 4, true);
      }
    }
  }
  return { positions, normals };
}

function readAscii(bytes: Uint8Array, ctx: ReadContext) {
  const text = new TextDecoder('latin1').decode(bytes);
  if (!/^\s*solid/.test(text)) throw unreadable('not an STL file: neither a binary STL (size = 84 + 50 × triangles) nor ASCII ("solid …")');
  // the facet count bounds the allocation before anything is parsed
  checkTriangles(text.match(/\bfacet\b/g)?.length ?? 0, ctx);
  const positions: number[] = [];
  const normals: number[] = [];
  let normal = [0, 0, 0];
  let loop: number[] = [];
  for (const match of text.matchAll(/\b(facet\s+normal|vertex|endloop)\b([^\n\r]*)/g)) {
    const keyword = match[1];
    if (keyword === 'endloop') {
      // a loop of more than three corners is a polygon: fanned into triangles
      for (let corner = 2; corner < loop.length / 3; corner++) {
        positions.push(...loop.slice(0, 3), ...loop.slice((corner - 1) * 3, corner * 3 + 3));
        normals.push(...normal, ...normal, ...normal);
      }
      loop = [];
      continue;
    }
    const values = match[2].trim().split(/\s+/).map(Number);
    if (values.length < 3) throw unreadable(`ASCII STL: "${match[0].trim()}" needs three numbers`);
    if (keyword === 'vertex') loop.push(values[0], values[1], values[2]);
    else normal = values.slice(0, 3);
  }
  if (positions.length === 0) throw unreadable('ASCII STL without a single complete facet (facet … outer loop, 3 vertex lines, endloop)');
  checkTriangles(positions.length / 9, ctx);
  return { positions: new Float32Array(positions), normals: new Float32Array(normals) };
}
