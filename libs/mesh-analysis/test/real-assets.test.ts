/**
 * The whole API on real files as the workers get them (readMesh): Khronos's BoxTextured.glb (a 1 m cube split at
 * its UV seams, one 211 × 211 PNG) and 2CylinderEngine.glb (29 meshes in millimetres, no textures), from Debian's
 * assimp-testmodels. Topology parity with trimesh/Open3D on these: test/parity/mesh-topology.parity.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { meshCounts, meshGeometry, meshMaterials, meshTexels, meshTopology, meshUv } from '@assay/mesh-analysis';
import { readMesh } from '@assay/mesh-io';

const GLTF = '/usr/share/assimp/models/glTF2';
const read = (file: string) => readMesh(new Uint8Array(readFileSync(`${GLTF}/${file}`)), { filename: file });

describe('BoxTextured.glb', () => {
  it('is a closed 1 m cube once welded, textured at 211 texels per metre', async () => {
    const box = await read('BoxTextured-glTF-Binary/BoxTextured.glb');
    expect(meshCounts(box)).toMatchObject({ vertices: 24, triangles: 12, primitives: 1, materials: 1, textures: 1, drawCalls: 1 });
    expect(meshTopology(box)).toMatchObject({ watertight: true, watertightUnwelded: false, vertices: 8, eulerCharacteristic: 2, genus: 0 });
    const g = meshGeometry(box, { category: 'chair' });
    expect(g).toMatchObject({ bboxSize: [1, 1, 1], surfaceArea: 6, volume: 1, normalsPresent: 1, normalsFlipped: 0, scalePlausible: true });
    // every face's UVs span a unit of area (coordinates to 6, repeated by the sampler): three of four corners lie
    // outside the unit square, the parts inside cover it once
    expect(meshUv(box, { raster: 128 })).toMatchObject({ uvPresent: 1, outOfUnitSquare: 0.75, coverage: 1, overlap: 0 });
    const t = meshTexels(box);
    expect(t.roles.baseColor).toEqual([{ texture: 0, width: 211, height: 211, powerOfTwo: false, mimeType: 'image/png' }]);
    expect(t.density!.median).toBeCloseTo(211, 3);
    expect(t.density!.cv).toBeLessThan(1e-6);
    const m = await meshMaterials(box);
    expect(m).toMatchObject({ nonMetalsMeasured: 1, missingNormalMaps: 1, factorsOutOfRange: 0, alphaModes: { OPAQUE: 1 } });
    // the Cesium logo: mostly mid-tones, its darkest lettering below 30
    expect(m.materials[0].albedoMean).toBeGreaterThan(150);
    expect(m.materials[0].albedoOutOfRange).toBeGreaterThan(0.05);
    expect(m.materials[0].albedoOutOfRange).toBeLessThan(0.15);
  });
});

describe('2CylinderEngine.glb', () => {
  it('is an engine in millimetres: implausible as metres, open, with many parts and no UVs', async () => {
    const engine = await read('2CylinderEngine-glTF-Binary/2CylinderEngine.glb');
    expect(meshCounts(engine)).toMatchObject({ triangles: 121_496, primitives: 115, meshes: 29, materials: 34, textures: 0 });
    const g = meshGeometry(engine, { category: 'car', sizeRanges: { engine: [0.2, 2] } });
    expect(g.largestSide).toBeCloseTo(743.38, 2);
    expect(g.scalePlausible).toBe(false);
    const t = meshTopology(engine);
    expect(t).toMatchObject({ watertight: false, windingConsistent: true });
    expect(t.components).toBeGreaterThan(t.vertexComponents);
    expect(meshUv(engine, { raster: 64 })).toMatchObject({ uvPresent: 0, coverage: 0 });
    expect(meshTexels(engine)).toMatchObject({ density: undefined, densityCoverage: 0 });
  });
});
