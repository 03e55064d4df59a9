import { finiteBox, type MeshAsset } from '@assay/mesh-io';
import { edgeMap, repeatedVertexFaces } from './edge-map.js';
import { SIZE_RANGES } from './size-ranges.js';
import { doubleAreaVector, triangleSoup } from './triangle-soup.js';
import { weldSoup } from './weld.js';

export interface GeometryOptions {
  /** product category to judge the scale by (a key of SIZE_RANGES or of `sizeRanges`) */
  category?: string;
  /** extra or replacement categories: largest bounding-box side in metres, [min, max] */
  sizeRanges?: Record<string, [min: number, max: number]>;
}

/** Geometry of the triangle primitives in metres (MeshAsset positions are world-space metres already). */
export interface MeshGeometry {
  /** bounding box of the finite positions of referenced triangle vertices; zeros when there are none */
  bboxMin: [number, number, number];
  bboxMax: [number, number, number];
  bboxSize: [number, number, number];
  largestSide: number;
  /** the largest side within the category's range; undefined without a (known) category */
  scalePlausible: boolean | undefined;
  /** the range judged against, metres */
  scaleRange: [number, number] | undefined;
  /** Σ triangle areas, m² (as stored, every triangle) */
  surfaceArea: number;
  /**
   * signed volume (m³, divergence theorem over the faces) of the welded mesh when it is watertight and consistently
   * wound (meshTopology's definitions, default tolerance), else undefined (the number would mean nothing);
   * negative when the faces wind inward
   */
  volume: number | undefined;
  /** vertices of triangle primitives with a NaN or infinite coordinate */
  nonFinitePositions: number;
  /** share of triangle-primitive vertices that carry a normal */
  normalsPresent: number;
  /** share of those normals whose length is outside 1 ± 1e-3 */
  normalsNonUnit: number;
  /**
   * share of triangle corners (of non-degenerate triangles with normals) whose vertex normal points away from the
   * face normal given by the winding: dot(vertex normal, (b − a) × (c − a)) < 0
   */
  normalsFlipped: number;
}

export function meshGeometry(asset: MeshAsset, options: GeometryOptions = {}): MeshGeometry {
  const soup = triangleSoup(asset);
  const p = soup.positions;
  let nonFinitePositions = 0;
  for (let i = 0; i < p.length; i += 3)
    if (!Number.isFinite(p[i]) || !Number.isFinite(p[i + 1]) || !Number.isFinite(p[i + 2])) nonFinitePositions++;
  const used = new Uint8Array(soup.vertexCount);
  for (let i = 0; i < soup.corners.length; i++) used[soup.corners[i]] = 1;
  // the box of the vertices triangles use
  const box = finiteBox([p], (v) => used[v] === 1);
  const bboxMin: [number, number, number] = box ? box.min : [0, 0, 0];
  const bboxMax: [number, number, number] = box ? box.max : [0, 0, 0];
  const bboxSize: [number, number, number] = [bboxMax[0] - bboxMin[0], bboxMax[1] - bboxMin[1], bboxMax[2] - bboxMin[2]];
  const largestSide = Math.max(...bboxSize);
  const ranges = { ...SIZE_RANGES, ...options.sizeRanges };
  const range = options.category !== undefined ? ranges[options.category.toLowerCase()] : undefined;

  // area and volume about the box centre (smaller terms, less cancellation than about the origin)
  const cx = (bboxMin[0] + bboxMax[0]) / 2,
    cy = (bboxMin[1] + bboxMax[1]) / 2,
    cz = (bboxMin[2] + bboxMax[2]) / 2;
  const n = new Float64Array(3);
  let doubleArea = 0;
  let sixVolume = 0;
  let corners = 0;
  let flipped = 0;
  const normalsOf = new Array<Float32Array | undefined>(asset.primitives.length);
  let withNormals = 0;
  let nonUnit = 0;
  for (const { primitive, index } of soup.parts) {
    normalsOf[index] = primitive.normals;
    const normals = primitive.normals;
    if (!normals) continue;
    withNormals += normals.length / 3;
    for (let i = 0; i < normals.length; i += 3) {
      const len = Math.sqrt(normals[i] * normals[i] + normals[i + 1] * normals[i + 1] + normals[i + 2] * normals[i + 2]);
      if (!(Math.abs(len - 1) <= 1e-3)) nonUnit++;
    }
  }
  const offsets = new Map(soup.parts.map((part) => [part.index, part.vertexOffset]));
  for (let f = 0; f < soup.triangleCount; f++) {
    const a = soup.corners[f * 3],
      b = soup.corners[f * 3 + 1],
      c = soup.corners[f * 3 + 2];
    const len = doubleAreaVector(p, a, b, c, n);
    if (!Number.isFinite(len)) continue;
    doubleArea += len;
    const ax = p[a * 3] - cx,
      ay = p[a * 3 + 1] - cy,
      az = p[a * 3 + 2] - cz;
    sixVolume += ax * n[0] + ay * n[1] + az * n[2];
    const prim = soup.primitiveOf[f];
    const normals = normalsOf[prim];
    if (!normals || len === 0) continue;
    const offset = offsets.get(prim)!;
    for (const v of [a, b, c]) {
      const k = (v - offset) * 3;
      corners++;
      if (normals[k] * n[0] + normals[k + 1] * n[1] + normals[k + 2] * n[2] < 0) flipped++;
    }
  }

  const weld = weldSoup(soup);
  const repeated = repeatedVertexFaces(weld.corners);
  const edges = edgeMap(weld.corners, weld.vertexCount, repeated);
  let closed = edges.edgeCount > 0;
  for (let e = 0; e < edges.edgeCount && closed; e++) closed = edges.count[e] === 2 && edges.forward[e] === 1;

  return {
    bboxMin,
    bboxMax,
    bboxSize,
    largestSide,
    scalePlausible: range ? largestSide >= range[0] && largestSide <= range[1] : undefined,
    scaleRange: range ? [range[0], range[1]] : undefined,
    surfaceArea: doubleArea / 2,
    volume: closed && nonFinitePositions === 0 ? sixVolume / 6 : undefined,
    nonFinitePositions,
    normalsPresent: soup.vertexCount ? withNormals / soup.vertexCount : 0,
    normalsNonUnit: withNormals ? nonUnit / withNormals : 0,
    normalsFlipped: corners ? flipped / corners : 0,
  };
}
