import { KeyTable } from './hash-table.js';

/**
 * The undirected edges of a triangle list: each half-edge (face f, corner k → k+1) mapped to its edge, and per
 * edge how many faces use it and in which direction. Faces flagged in `skip` (repeated vertex) contribute none.
 */
export interface EdgeMap {
  /** per half-edge (3 per face), its edge, or -1 for a skipped face */
  edgeOf: Int32Array;
  /** per edge, the half-edges using it */
  count: Uint32Array;
  /** per edge, how many of them run from the lower vertex index to the higher */
  forward: Uint32Array;
  /** per edge, the first half-edge that used it */
  first: Int32Array;
  edgeCount: number;
}

export function edgeMap(corners: Uint32Array, vertexCount: number, skip: Uint8Array): EdgeMap {
  const halfEdges = corners.length;
  const table = new KeyTable(halfEdges, 1);
  const edgeOf = new Int32Array(halfEdges).fill(-1);
  const count = new Uint32Array(halfEdges);
  const forward = new Uint32Array(halfEdges);
  const first = new Int32Array(halfEdges);
  for (let f = 0; f < halfEdges / 3; f++) {
    if (skip[f]) continue;
    for (let k = 0; k < 3; k++) {
      const h = f * 3 + k;
      const a = corners[h];
      const b = corners[f * 3 + ((k + 1) % 3)];
      const e = table.id(a < b ? a * vertexCount + b : b * vertexCount + a);
      if (count[e] === 0) first[e] = h;
      count[e]++;
      if (a < b) forward[e]++;
      edgeOf[h] = e;
    }
  }
  return { edgeOf, count, forward, first, edgeCount: table.size };
}

/** Faces that name one vertex twice (after welding when `corners` are welded). */
export function repeatedVertexFaces(corners: Uint32Array): Uint8Array {
  const out = new Uint8Array(corners.length / 3);
  for (let f = 0; f < out.length; f++) {
    const a = corners[f * 3],
      b = corners[f * 3 + 1],
      c = corners[f * 3 + 2];
    out[f] = a === b || b === c || a === c ? 1 : 0;
  }
  return out;
}
