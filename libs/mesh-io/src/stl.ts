import { isBinaryStl } from './detect-format.js';
import { checkLimit, unreadable } from './limits.js';
import type { MeshAsset } from './mesh-asset.js';
import { latin1, scaled, sequence, type ReadContext } from './read-context.js';

/**
 * STL, binary or ASCII. Triangles stay unindexed (indices 0..n-1), as STL stores them: welding shared corners is
 * the analysis's decision. Facet normals are copied to their three corners.
 */
export function readStl(bytes: Uint8Array, ctx: ReadContext): MeshAsset {
  const warnings: string[] = [];
  const { positions, normals } = isBinaryStl(bytes) || !looksAscii(bytes) ? readBinary(bytes, ctx, warnings) : readAscii(bytes, ctx);
  const vertexCount = positions.length / 3;
  return {
    format: 'stl',
    unitScale: ctx.unitScale,
    primitives: [{ mesh: 0, mode: 'triangles', positions: scaled(positions, ctx.unitScale), indices: sequence(vertexCount), normals }],
    materials: [],
    textures: [],
    meshCount: 1,
    nodeCount: 1,
    warnings,
  };
}

/** "solid" followed by text: binary headers often start with "solid" too, but their triangles soon hold NUL bytes. */
function looksAscii(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1024);
  return /^\s*solid/.test(latin1(head.subarray(0, 64))) && !head.includes(0);
}

function checkTriangles(count: number, ctx: ReadContext): void {
  checkLimit('STL triangles', count, ctx.limits.maxTriangles);
  checkLimit('STL vertices (3 per triangle, unwelded)', count * 3, ctx.limits.maxVertices);
}

function readBinary(bytes: Uint8Array, ctx: ReadContext, warnings: string[]) {
  if (bytes.length < 84) throw unreadable(`binary STL shorter than its 84-byte header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(80, true);
  const size = 84 + 50 * count;
  // a header promising more than the file holds is truncation or garbage, not a large mesh
  if (bytes.length < size)
    throw unreadable(`not a complete binary STL: its header announces ${count} triangles (${size} bytes), the file holds ${bytes.length}`);
  checkTriangles(count, ctx);
  // some exporters append bytes after the last triangle: the count in the header is what was meant
  if (bytes.length > size) warnings.push(`${bytes.length - size} bytes after the ${count} triangles of the binary STL were ignored`);
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
  const text = latin1(bytes);
  // the facet count bounds the allocation before anything is parsed
  let facets = 0;
  for (let at = text.indexOf('endfacet'); at >= 0; at = text.indexOf('endfacet', at + 8)) facets++;
  checkTriangles(facets, ctx);
  const positions: number[] = [];
  const normals: number[] = [];
  let nx = 0;
  let ny = 0;
  let nz = 0;
  let loop: number[] = [];
  for (const match of text.matchAll(/(facet\s+normal|vertex)\s+(\S+)\s+(\S+)\s+(\S+)|endloop/g)) {
    if (match[0] === 'endloop') {
      // a loop of more than three corners is a polygon: fanned into triangles
      for (let corner = 2; corner < loop.length / 3; corner++) {
        const a = (corner - 1) * 3;
        positions.push(loop[0], loop[1], loop[2], loop[a], loop[a + 1], loop[a + 2], loop[a + 3], loop[a + 4], loop[a + 5]);
        normals.push(nx, ny, nz, nx, ny, nz, nx, ny, nz);
      }
      loop = [];
    } else if (match[1] === 'vertex') loop.push(Number(match[2]), Number(match[3]), Number(match[4]));
    else [nx, ny, nz] = [Number(match[2]), Number(match[3]), Number(match[4])];
  }
  if (positions.length === 0) throw unreadable('ASCII STL without a single complete facet (facet … outer loop, 3 vertex lines, endloop)');
  checkTriangles(positions.length / 9, ctx);
  return { positions: new Float32Array(positions), normals: new Float32Array(normals) };
}
