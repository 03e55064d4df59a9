import { z } from 'zod';
import { meshTopology } from '@assay/mesh-analysis';
import { defineMetric } from '../../metric.js';
import { flag, requireTriangles } from '../triangles.js';

const Params = z
  .object({
    /** metres; default 1e-6 × the bounding-box diagonal. Positions closer than this are one vertex */
    weldTolerance: z.number().min(0).optional(),
  })
  .strict();

const lower = (key: string, description: string) => ({ key, description, range: [0, null] as [number, null], direction: 'lower' as const });
const none = (key: string, description: string, min: number | null = 0) => ({
  key,
  description,
  range: [min, null] as [number | null, null],
  direction: 'none' as const,
});

/**
 * Manifoldness, watertightness and winding of the triangle surface, after welding vertices by position (so a
 * cube split at UV or normal seams is still closed; `watertight_unwelded` tells the seams apart). Conventions
 * as trimesh and Open3D count them; test/parity checks both on real meshes.
 */
export default defineMetric({
  name: 'mesh_topology',
  version: '1.0.0',
  modality: '3d',
  description:
    'Topology after welding by position: non-manifold and boundary edges, watertight, non-manifold vertices, winding ' +
    'consistency, connected components, Euler characteristic and genus, degenerate, duplicate and unreferenced elements.',
  scores: [
    {
      key: 'watertight',
      description: '1 when every edge has exactly two faces (closed, manifold), after welding',
      range: [0, 1],
      direction: 'higher',
    },
    {
      key: 'watertight_unwelded',
      description: 'the same on the indices as stored: 0 for a closed surface split at UV seams',
      range: [0, 1],
      direction: 'none',
    },
    lower('non_manifold_edges', 'edges shared by more than two faces (break 3D printing and boolean operations)'),
    lower('boundary_edges', 'edges of one face only: the rims of holes and open borders'),
    lower('non_manifold_vertices', 'vertices whose faces form more than one fan (surfaces touching at a point)'),
    {
      key: 'winding_consistent',
      description: '1 when every interior edge is traversed in opposite directions by its two faces',
      range: [0, 1],
      direction: 'higher',
    },
    lower('inconsistent_edges', 'interior edges both faces traverse in the same direction (a flipped face)'),
    none('components', 'groups of faces connected through shared edges'),
    none('closed_components', 'components with every edge shared by exactly two faces'),
    none('euler_characteristic', 'V − E + F of the welded surface (2 for one sphere-like closed component)', null),
    none('genus', 'handles of the closed, consistently wound components: Σ (2 − χ) / 2'),
    lower('degenerate_faces', 'triangles of zero area or with a repeated vertex'),
    lower('duplicate_faces', 'faces after the first on the same three vertices'),
    lower('unreferenced_vertices', 'vertices no triangle uses'),
    none('duplicate_vertices', 'stored vertices that merge into another when welded (seams, split normals)'),
  ],
  params: Params,
  needs: {},
  cost: 'cpu',
  compute({ asset }, _ctx, p) {
    requireTriangles(asset);
    const t = meshTopology(asset, { weldTolerance: p.weldTolerance });
    return {
      scores: {
        watertight: flag(t.watertight),
        watertight_unwelded: flag(t.watertightUnwelded),
        non_manifold_edges: t.nonManifoldEdges,
        boundary_edges: t.boundaryEdges,
        non_manifold_vertices: t.nonManifoldVertices,
        winding_consistent: flag(t.windingConsistent),
        inconsistent_edges: t.inconsistentEdges,
        components: t.components,
        closed_components: t.closedComponents,
        euler_characteristic: t.eulerCharacteristic,
        genus: t.genus,
        degenerate_faces: t.degenerateFaces,
        duplicate_faces: t.duplicateFaces,
        unreferenced_vertices: t.unreferencedVertices,
        duplicate_vertices: t.duplicateVertices,
      },
      details: {
        weldToleranceM: t.weldTolerance,
        weldedVertices: t.vertices,
        edges: t.edges,
        faces: t.faces,
        vertexComponents: t.vertexComponents,
        genusComponents: t.genusComponents,
      },
    };
  },
});
