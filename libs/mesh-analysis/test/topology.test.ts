/**
 * meshTopology on hand-built meshes whose answers are known: a seam-split cube (closed only once welded), a
 * torus (genus 1), tetrahedra, and the same meshes broken (a face removed, one flipped, one duplicated, a fin).
 * Parity with Open3D and trimesh on real meshes: test/parity/mesh-topology.parity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { meshCounts, meshTopology } from '@assay/mesh-analysis';
import { asset, seamCube, tetrahedron, torus, withFaces } from './fixtures.js';

describe('meshTopology', () => {
  it('welds a seam-split cube into a closed sphere-like surface', () => {
    const t = meshTopology(asset([seamCube()]));
    expect(t).toMatchObject({
      vertices: 8,
      edges: 18,
      faces: 12,
      boundaryEdges: 0,
      nonManifoldEdges: 0,
      watertight: true,
      watertightUnwelded: false,
      windingConsistent: true,
      inconsistentEdges: 0,
      components: 1,
      vertexComponents: 1,
      closedComponents: 1,
      eulerCharacteristic: 2,
      genus: 0,
      genusComponents: 1,
      degenerateFaces: 0,
      duplicateFaces: 0,
      unreferencedVertices: 0,
      duplicateVertices: 16,
      nonManifoldVertices: 0,
    });
    expect(t.weldTolerance).toBeCloseTo(Math.sqrt(3) * 1e-6, 12);
  });

  it('finds the handle of a torus', () => {
    const t = meshTopology(asset([torus()]));
    expect(t).toMatchObject({
      vertices: 128,
      edges: 384,
      faces: 256,
      watertight: true,
      eulerCharacteristic: 0,
      genus: 1,
      windingConsistent: true,
    });
  });

  it('counts a hole, a flipped face, a duplicate and a fin', () => {
    const holed = meshTopology(asset([withFaces(torus(), (f) => f.slice(1))]));
    expect(holed).toMatchObject({ boundaryEdges: 3, watertight: false, closedComponents: 0, genusComponents: 0, eulerCharacteristic: -1 });

    const flipped = meshTopology(asset([withFaces(torus(), (f) => [[f[0][0], f[0][2], f[0][1]], ...f.slice(1)])]));
    expect(flipped).toMatchObject({ watertight: true, inconsistentEdges: 3, windingConsistent: false, genusComponents: 0, genus: 0 });

    const doubled = meshTopology(asset([withFaces(torus(), (f) => [...f, f[5]])]));
    expect(doubled).toMatchObject({ duplicateFaces: 1, nonManifoldEdges: 3, watertight: false, components: 1 });

    // a fin: a third face on one edge of a tetrahedron, its apex a new vertex
    const tet = tetrahedron();
    const fin = { ...tet, positions: Float32Array.from([...tet.positions, 0, 0, 5]) };
    const finned = meshTopology(asset([withFaces(fin, (f) => [...f, [0, 2, 4]])]));
    expect(finned).toMatchObject({ nonManifoldEdges: 1, boundaryEdges: 2, nonManifoldVertices: 0, components: 1, closedComponents: 0 });
  });

  it('finds bow-tie vertices, separate bodies, degenerate faces and unreferenced vertices', () => {
    // two tetrahedra sharing only the vertex (1, 1, 1): one vertex component, two edge components
    const a = tetrahedron();
    const b = tetrahedron(2);
    b.positions.set([1, 1, 1], 0);
    const bowtie = meshTopology(asset([a, b]));
    expect(bowtie).toMatchObject({ components: 2, vertexComponents: 1, nonManifoldVertices: 1, watertight: true, vertices: 7, genus: 0 });
    expect(bowtie.closedComponents).toBe(2);

    const apart = meshTopology(asset([tetrahedron(), tetrahedron(10)]));
    expect(apart).toMatchObject({ components: 2, vertexComponents: 2, eulerCharacteristic: 4, genusComponents: 2 });

    const t = tetrahedron();
    const extra = { ...t, positions: Float32Array.from([...t.positions, 9, 9, 9, 1, 1, 1]) };
    const broken = meshTopology(asset([withFaces(extra, (f) => [...f, [0, 0, 1], [0, 5, 1]])]));
    // [0,0,1] repeats a vertex; [0,5,1] repeats it after welding (vertex 5 sits on vertex 0); vertex 4 is unused
    expect(broken).toMatchObject({ degenerateFaces: 2, faces: 4, unreferencedVertices: 1, duplicateVertices: 1, watertight: true });
  });

  it('keeps an explicit weld tolerance in metres', () => {
    const near = tetrahedron();
    const p = Float32Array.from([...near.positions, 1.001, 1, 1]);
    const prim = withFaces({ ...near, positions: p }, (f) => [...f.slice(1), [4, 2, 1]]);
    expect(meshTopology(asset([prim])).watertight).toBe(false);
    expect(meshTopology(asset([prim]), { weldTolerance: 0.01 })).toMatchObject({ watertight: true, weldTolerance: 0.01 });
    expect(meshTopology(asset([prim]), { weldTolerance: 0 }).boundaryEdges).toBe(4);
  });
});

describe('self-intersections', () => {
  it('finds faces crossing between interpenetrating bodies, none on clean ones, and stops at the time limit', () => {
    const options = { selfIntersections: true };
    expect(meshTopology(asset([torus()]), options)).toMatchObject({ selfIntersections: 0, selfIntersectionsCapped: false });
    expect(meshTopology(asset([tetrahedron(), tetrahedron(10)]), options).selfIntersections).toBe(0);
    // a strip (two faces split along y = x / 30) through the tetrahedron's z = 0 section, the diamond (±1, 0),
    // (0, ±1): each of the four faces crosses it near (±1, 0); near (1, 0) the face going up crosses the diagonal
    // (2 pairs), the one going down does not (1); mirrored near (−1, 0): 6 pairs
    const t = tetrahedron();
    const pierced = { ...t, positions: Float32Array.from([...t.positions, -3, -0.1, 0, 3, -0.1, 0, 3, 0.1, 0, -3, 0.1, 0]) };
    expect(meshTopology(asset([withFaces(pierced, (f) => [...f, [4, 5, 6], [4, 6, 7]])]), options).selfIntersections).toBe(6);
    expect(meshTopology(asset([torus()])).selfIntersections).toBeUndefined();
    const dense = meshTopology(asset([torus(300, 150), torus(300, 150)]), { selfIntersections: true, selfIntersectionTimeLimitMs: 0 });
    expect(dense.selfIntersectionsCapped).toBe(true);
  });
});

describe('meshCounts', () => {
  it('counts primitives by mode, draw calls and triangles', () => {
    const line = { mesh: 1, mode: 'lines' as const, positions: new Float32Array(6), indices: Uint32Array.from([0, 1]) };
    const points = { mesh: 1, mode: 'points' as const, positions: new Float32Array(3), indices: Uint32Array.from([0]) };
    expect(meshCounts(asset([seamCube(), torus(), line, points], { meshCount: 2 }))).toEqual({
      vertices: 24 + 128 + 2 + 1,
      triangles: 12 + 256,
      primitives: 4,
      meshes: 2,
      materials: 0,
      textures: 0,
      drawCalls: 4,
      linePrimitives: 1,
      pointPrimitives: 1,
    });
  });
});
