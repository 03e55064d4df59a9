import type { MeshAsset } from '@assay/mesh-io';
import { edgeMap, repeatedVertexFaces, type EdgeMap } from './edge-map.js';
import { KeyTable } from './hash-table.js';
import { selfIntersections, type SelfIntersections } from './self-intersections.js';
import { doubleAreaVector, triangleSoup } from './triangle-soup.js';
import { UnionFind } from './union-find.js';
import { weldSoup } from './weld.js';

export interface TopologyOptions {
  /** absolute weld tolerance in metres; default 1e-6 × the triangles' bounding-box diagonal; 0 = exact positions */
  weldTolerance?: number;
  /** also count intersecting face pairs (uniform grid; off by default: it costs more than the rest together) */
  selfIntersections?: boolean;
  /** stop the self-intersection search after this long, ms (default 10 000) and report it capped */
  selfIntersectionTimeLimitMs?: number;
}

/**
 * Topology of the triangle primitives (all of them together, lines and points ignored), after welding by
 * position (weld.ts: quantised to the tolerance, normals/UVs ignored, across primitives too), so seams in UVs or
 * normals and material splits do not open the surface. Faces that name one welded vertex twice are degenerate and
 * left out of the edge map (Open3D's remove_degenerate_triangles); every other face, zero-area ones included, is in.
 */
export interface MeshTopology {
  /** the weld tolerance used, metres */
  weldTolerance: number;
  /** welded vertices referenced by the faces in the edge map */
  vertices: number;
  /** distinct undirected edges between welded vertices */
  edges: number;
  /** faces in the edge map (triangles without a repeated welded vertex) */
  faces: number;
  /** edges used by more than two faces */
  nonManifoldEdges: number;
  /** edges used by exactly one face */
  boundaryEdges: number;
  /** there are faces, no boundary edges and no non-manifold edges (every edge has exactly two faces), after welding */
  watertight: boolean;
  /** the same test on the indices as stored (no weld): false for a cube split at UV seams */
  watertightUnwelded: boolean;
  /** welded vertices whose faces form more than one fan (faces around the vertex not connected through its edges) */
  nonManifoldVertices: number;
  /** edges used by exactly two faces that traverse it in the same direction (edges with > 2 faces are not judged) */
  inconsistentEdges: number;
  /** no inconsistent edge (trimesh's is_winding_consistent) */
  windingConsistent: boolean;
  /** groups of faces connected through shared edges, any number of faces per edge (Open3D's cluster_connected_triangles) */
  components: number;
  /** groups of welded vertices connected through face edges (trimesh's body_count on referenced vertices) */
  vertexComponents: number;
  /** components with every edge shared by exactly two faces */
  closedComponents: number;
  /** V − E + F of the welded mesh (vertices, edges, faces as counted above) */
  eulerCharacteristic: number;
  /**
   * Σ over closed, consistently wound components of g = (2 − χ)/2, χ = V − E + F of that component (a vertex shared by
   * two components counts in both); 0 for a sphere, 1 per handle
   */
  genus: number;
  /** closed, consistently wound components that the genus sums over */
  genusComponents: number;
  /** triangles with a repeated welded vertex or zero area */
  degenerateFaces: number;
  /** faces after the first on the same three welded vertices, any order */
  duplicateFaces: number;
  /** vertices of triangle primitives that no triangle uses */
  unreferencedVertices: number;
  /** vertices of triangle primitives that merge into another when welded: stored count − welded count */
  duplicateVertices: number;
  /** with `selfIntersections`: pairs of faces sharing no welded vertex whose triangles meet (touching counts) */
  selfIntersections?: number;
  /** with `selfIntersections`: the time limit stopped the search, so the count is a lower bound */
  selfIntersectionsCapped?: boolean;
}

const closedEdges = (edges: EdgeMap) => {
  let boundary = 0;
  let nonManifold = 0;
  for (let e = 0; e < edges.edgeCount; e++) {
    if (edges.count[e] === 1) boundary++;
    else if (edges.count[e] > 2) nonManifold++;
  }
  return { boundary, nonManifold };
};

export function meshTopology(asset: MeshAsset, options: TopologyOptions = {}): MeshTopology {
  const soup = triangleSoup(asset);
  const weld = weldSoup(soup, options.weldTolerance);
  const F = soup.triangleCount;
  const corners = weld.corners;
  const repeated = repeatedVertexFaces(corners);
  const edges = edgeMap(corners, weld.vertexCount, repeated);
  const { boundary, nonManifold } = closedEdges(edges);
  const raw = closedEdges(edgeMap(soup.corners, soup.vertexCount, repeatedVertexFaces(soup.corners)));

  let kept = 0;
  let degenerate = 0;
  const area = new Float64Array(3);
  const flat = new Uint8Array(F);
  for (let f = 0; f < F; f++) {
    flat[f] =
      repeated[f] || doubleAreaVector(soup.positions, soup.corners[f * 3], soup.corners[f * 3 + 1], soup.corners[f * 3 + 2], area) === 0
        ? 1
        : 0;
    degenerate += flat[f];
    if (!repeated[f]) kept++;
  }

  let inconsistent = 0;
  for (let e = 0; e < edges.edgeCount; e++) if (edges.count[e] === 2 && edges.forward[e] !== 1) inconsistent++;

  // faces through shared edges; vertices through face edges; corners of one vertex through the edges they share
  const faceSets = new UnionFind(F);
  const vertexSets = new UnionFind(weld.vertexCount);
  const fans = new UnionFind(F * 3);
  const referenced = new Uint8Array(weld.vertexCount);
  for (let f = 0; f < F; f++) {
    if (repeated[f]) continue;
    for (let k = 0; k < 3; k++) {
      const h = f * 3 + k;
      const a = corners[h];
      const endCorner = f * 3 + ((k + 1) % 3);
      const b = corners[endCorner];
      referenced[a] = 1;
      vertexSets.union(a, b);
      const h0 = edges.first[edges.edgeOf[h]];
      if (h0 === h) continue;
      const f0 = Math.floor(h0 / 3);
      faceSets.union(f, f0);
      const other = f0 * 3 + ((h0 - f0 * 3 + 1) % 3);
      fans.union(h, corners[h0] === a ? h0 : other);
      fans.union(endCorner, corners[h0] === b ? h0 : other);
    }
  }

  const firstRoot = new Int32Array(weld.vertexCount).fill(-1);
  const nonManifoldVertex = new Uint8Array(weld.vertexCount);
  for (let c = 0; c < F * 3; c++) {
    if (repeated[Math.floor(c / 3)]) continue;
    const v = corners[c];
    const r = fans.find(c);
    if (firstRoot[v] < 0) firstRoot[v] = r;
    else if (firstRoot[v] !== r) nonManifoldVertex[v] = 1;
  }

  // components: dense labels for face roots, then V, E, F, closedness and winding per component
  const label = new Int32Array(F).fill(-1);
  const rootLabel = new Int32Array(F).fill(-1);
  let components = 0;
  for (let f = 0; f < F; f++) {
    if (repeated[f]) continue;
    const r = faceSets.find(f);
    if (rootLabel[r] < 0) rootLabel[r] = components++;
    label[f] = rootLabel[r];
  }
  const cFaces = new Float64Array(components);
  const cEdges = new Float64Array(components);
  const cVertices = new Float64Array(components);
  const cOpen = new Uint8Array(components);
  const cInconsistent = new Uint8Array(components);
  for (let f = 0; f < F; f++) if (label[f] >= 0) cFaces[label[f]]++;
  for (let e = 0; e < edges.edgeCount; e++) {
    const c = label[Math.floor(edges.first[e] / 3)];
    cEdges[c]++;
    if (edges.count[e] !== 2) cOpen[c] = 1;
    else if (edges.forward[e] !== 1) cInconsistent[c] = 1;
  }
  // a vertex is almost always in one component: remember the last; a second one (a bow-tie) goes to the table
  const seenIn = new Int32Array(weld.vertexCount).fill(-1);
  const alsoIn = new KeyTable(1024, 2);
  for (let c = 0; c < F * 3; c++) {
    const l = label[Math.floor(c / 3)];
    const v = corners[c];
    if (l < 0 || seenIn[v] === l) continue;
    if (seenIn[v] < 0) {
      seenIn[v] = l;
      cVertices[l]++;
      continue;
    }
    const before = alsoIn.size;
    alsoIn.id(v, l);
    if (alsoIn.size > before) cVertices[l]++;
  }
  let closedComponents = 0;
  let genus = 0;
  let genusComponents = 0;
  for (let c = 0; c < components; c++) {
    if (cOpen[c]) continue;
    closedComponents++;
    if (cInconsistent[c]) continue;
    genusComponents++;
    genus += (2 - (cVertices[c] - cEdges[c] + cFaces[c])) / 2;
  }

  const vertexRoots = new Uint8Array(weld.vertexCount);
  let vertexComponents = 0;
  let vertices = 0;
  let nonManifoldVertices = 0;
  for (let v = 0; v < weld.vertexCount; v++) {
    if (!referenced[v]) continue;
    vertices++;
    nonManifoldVertices += nonManifoldVertex[v];
    const r = vertexSets.find(v);
    if (!vertexRoots[r]) {
      vertexRoots[r] = 1;
      vertexComponents++;
    }
  }

  const faceKeys = new KeyTable(F, 3);
  let duplicateFaces = 0;
  for (let f = 0; f < F; f++) {
    if (repeated[f]) continue;
    const a = corners[f * 3],
      b = corners[f * 3 + 1],
      c = corners[f * 3 + 2];
    const lo = Math.min(a, b, c);
    const hi = Math.max(a, b, c);
    const before = faceKeys.size;
    faceKeys.id(lo, a + b + c - lo - hi, hi);
    if (faceKeys.size === before) duplicateFaces++;
  }

  const used = new Uint8Array(soup.vertexCount);
  for (let i = 0; i < soup.corners.length; i++) used[soup.corners[i]] = 1;
  let unreferencedVertices = 0;
  for (let v = 0; v < soup.vertexCount; v++) if (!used[v]) unreferencedVertices++;

  let crossings: SelfIntersections | undefined;
  if (options.selfIntersections) {
    const welded = new Float64Array(weld.vertexCount * 3);
    for (let v = 0; v < soup.vertexCount; v++) welded.set(soup.positions.subarray(v * 3, v * 3 + 3), weld.vertexOf[v] * 3);
    crossings = selfIntersections(welded, corners, flat, options.selfIntersectionTimeLimitMs ?? 10_000);
  }

  return {
    weldTolerance: weld.tolerance,
    vertices,
    edges: edges.edgeCount,
    faces: kept,
    nonManifoldEdges: nonManifold,
    boundaryEdges: boundary,
    watertight: kept > 0 && boundary === 0 && nonManifold === 0,
    watertightUnwelded: kept > 0 && raw.boundary === 0 && raw.nonManifold === 0,
    nonManifoldVertices,
    inconsistentEdges: inconsistent,
    windingConsistent: inconsistent === 0,
    components,
    vertexComponents,
    closedComponents,
    eulerCharacteristic: vertices - edges.edgeCount + kept,
    genus,
    genusComponents,
    degenerateFaces: degenerate,
    duplicateFaces,
    unreferencedVertices,
    duplicateVertices: soup.vertexCount - weld.vertexCount,
    ...(crossings && { selfIntersections: crossings.pairs, selfIntersectionsCapped: crossings.capped }),
  };
}
