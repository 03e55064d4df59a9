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

/**
 * Half-edges are bucketed by their lower vertex (a counting sort), then matched by their higher vertex within the
 * bucket (a handful of entries): no hashing, and sequential memory access, which a million faces need.
 */
export function edgeMap(corners: Uint32Array, vertexCount: number, skip: Uint8Array): EdgeMap {
  const halfEdges = corners.length;
  // per half-edge, its end vertex's corner: h + 1 within the face, wrapping
  const next = (h: number) => (h % 3 === 2 ? h - 2 : h + 1);
  const lower = new Uint32Array(halfEdges);
  const start = new Uint32Array(vertexCount + 1);
  for (let h = 0; h < halfEdges; h++) {
    if (skip[(h / 3) | 0]) continue;
    const a = corners[h];
    const b = corners[next(h)];
    lower[h] = a < b ? a : b;
    start[lower[h] + 1]++;
  }
  for (let v = 0; v < vertexCount; v++) start[v + 1] += start[v];
  const bucket = new Uint32Array(start[vertexCount]);
  const fill = start.slice(0, vertexCount);
  for (let h = 0; h < halfEdges; h++) if (!skip[(h / 3) | 0]) bucket[fill[lower[h]]++] = h;

  const edgeOf = new Int32Array(halfEdges).fill(-1);
  const upper = new Uint32Array(bucket.length);
  const count = new Uint32Array(bucket.length);
  const forward = new Uint32Array(bucket.length);
  const first = new Int32Array(bucket.length);
  let edgeCount = 0;
  for (let v = 0; v < vertexCount; v++) {
    const firstEdge = edgeCount;
    for (let i = start[v]; i < start[v + 1]; i++) {
      const h = bucket[i];
      const a = corners[h];
      const b = corners[next(h)];
      const hi = a < b ? b : a;
      let e = firstEdge;
      while (e < edgeCount && upper[e] !== hi) e++;
      if (e === edgeCount) {
        upper[edgeCount++] = hi;
        first[e] = h;
      }
      count[e]++;
      if (a < b) forward[e]++;
      edgeOf[h] = e;
    }
  }
  return { edgeOf, count, forward, first, edgeCount };
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
