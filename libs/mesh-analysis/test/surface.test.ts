/**
 * meshGeometry, meshUv, meshTexels and meshMaterials on meshes and textures whose answers are worked out by hand
 * (in the comments): a 2 m seam-split cube, unit quads with known UV layouts, solid-colour PNGs.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { MeshPrimitive, MeshTexture } from '@assay/mesh-io';
import { meshGeometry, meshMaterials, meshTexels, meshUv, texelDensityNeeded } from '@assay/mesh-analysis';
import { asset, material, seamCube, torus, withFaces } from './fixtures.js';

/** Unit quads side by side along x (quad i spans x ∈ [i, i + 1]), each with its own UV rectangle [u0, v0, u1, v1]. */
function quads(rects: [number, number, number, number][]): MeshPrimitive {
  const positions: number[] = [];
  const uvs: number[] = [];
  const indices: number[] = [];
  rects.forEach(([u0, v0, u1, v1], i) => {
    positions.push(i, 0, 0, i + 1, 0, 0, i + 1, 1, 0, i, 1, 0);
    uvs.push(u0, v0, u1, v0, u1, v1, u0, v1);
    indices.push(i * 4, i * 4 + 1, i * 4 + 2, i * 4, i * 4 + 2, i * 4 + 3);
  });
  return {
    mesh: 0,
    mode: 'triangles',
    positions: Float32Array.from(positions),
    uvs: Float32Array.from(uvs),
    indices: Uint32Array.from(indices),
    material: 0,
  };
}

const png = async (rgb: [number, number, number], side = 8) =>
  new Uint8Array(
    await sharp({ create: { width: side, height: side, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
      .png()
      .toBuffer(),
  );
const texture = (bytes: Uint8Array, side: number): MeshTexture => ({ mimeType: 'image/png', width: side, height: side, bytes });

describe('meshGeometry', () => {
  it('measures a 2 m cube: box, area, volume, normals, scale', () => {
    const g = meshGeometry(asset([seamCube(2)]), { category: 'chair' });
    expect(g).toMatchObject({
      bboxMin: [0, 0, 0],
      bboxMax: [2, 2, 2],
      bboxSize: [2, 2, 2],
      largestSide: 2,
      scalePlausible: false,
      scaleRange: [0.4, 1.5],
    });
    expect(g.surfaceArea).toBeCloseTo(24, 9);
    expect(g.volume).toBeCloseTo(8, 9);
    expect(g).toMatchObject({ nonFinitePositions: 0, normalsPresent: 1, normalsNonUnit: 0, normalsFlipped: 0 });
    expect(meshGeometry(asset([seamCube(2)]), { category: 'table' }).scalePlausible).toBe(true);
    expect(meshGeometry(asset([seamCube(2)]), { category: 'chair', sizeRanges: { chair: [1, 3] } }).scalePlausible).toBe(true);
    expect(meshGeometry(asset([seamCube(2)])).scalePlausible).toBeUndefined();
  });

  it('signs the volume of an inside-out cube, drops it when open, flags flipped and non-unit normals', () => {
    const cube = seamCube();
    const inverted = withFaces(cube, (f) => f.map(([a, b, c]) => [a, c, b]));
    const g = meshGeometry(asset([inverted]));
    expect(g.volume).toBeCloseTo(-1, 9);
    expect(g.normalsFlipped).toBe(1);
    expect(meshGeometry(asset([withFaces(cube, (f) => f.slice(2))])).volume).toBeUndefined();
    const normals = Float32Array.from(cube.normals!);
    normals[0] = 2; // vertex 0: (2, 0, 1), length √5
    expect(meshGeometry(asset([{ ...cube, normals }])).normalsNonUnit).toBeCloseTo(1 / 24, 12);
    const positions = Float32Array.from(cube.positions);
    positions[3] = NaN;
    const broken = meshGeometry(asset([{ ...cube, positions }]));
    expect(broken.nonFinitePositions).toBe(1);
    expect(broken.volume).toBeUndefined();
  });

  it('matches the analytic area of a torus within its faceting', () => {
    // 64 × 32 flat quads of a torus R = 1, r = 0.25 come within 0.5 % of 4π²Rr
    const g = meshGeometry(asset([torus(64, 32)]));
    expect(g.surfaceArea / (4 * Math.PI ** 2 * 0.25)).toBeGreaterThan(0.99);
    expect(g.surfaceArea / (4 * Math.PI ** 2 * 0.25)).toBeLessThan(1);
    expect(g.volume! / (2 * Math.PI ** 2 * 0.25 ** 2)).toBeGreaterThan(0.98);
  });
});

describe('meshUv', () => {
  it('measures coverage, overlap and stretch of a known layout', () => {
    // quad A → [0, .5]² (area .25), quad B → [.5, 1] × [0, 1] (area .5, squeezed 2:1)
    const uv = meshUv(
      asset([
        quads([
          [0, 0, 0.5, 0.5],
          [0.5, 0, 1, 1],
        ]),
      ]),
      { raster: 64 },
    );
    expect(uv).toMatchObject({ uvPresent: 1, outOfUnitSquare: 0, coverage: 0.75, overlap: 0, uvDegenerate: 0 });
    // area ratios (uv share ÷ 3D share): A (.25/.75)/.5 = 2/3, B 4/3 → |ln| .405 and .288, equal weights
    expect(uv.areaStretch!.median).toBeCloseTo(Math.log(4 / 3), 9);
    expect(uv.areaStretch!.p95).toBeCloseTo(Math.log(3 / 2), 9);
    expect(uv.angleStretch!.median).toBeCloseTo(1, 9);
    expect(uv.angleStretch!.p95).toBeCloseTo(2, 9);
  });

  it('counts stacked shells as overlap, ignores what lies outside the unit square, and finds missing UVs', () => {
    const cube = meshUv(asset([seamCube()]), { raster: 32 });
    expect(cube).toMatchObject({ coverage: 1, overlap: 1, uvPresent: 1 });
    expect(cube.areaStretch!.p95).toBeCloseTo(0, 9);
    const tiled = meshUv(asset([quads([[0, 0, 2, 2]])]), { raster: 32 });
    expect(tiled).toMatchObject({ coverage: 1, overlap: 0, outOfUnitSquare: 0.75 });
    const half = meshUv(asset([quads([[0, 0, 1, 1]]), torus()]), { raster: 32 });
    expect(half.uvPresent).toBeCloseTo(2 / 258, 12);
  });
});

describe('meshTexels', () => {
  it('gives texels per metre from UV area, texture size and 3D area', async () => {
    const bytes = await png([128, 128, 128]);
    const a = asset(
      [
        quads([
          [0, 0, 1, 1],
          [0, 0, 0.5, 0.5],
        ]),
      ],
      {
        materials: [material({ textures: { baseColor: { texture: 0, texCoord: 0 }, normal: { texture: 1, texCoord: 0 } } })],
        textures: [texture(bytes, 512), { ...texture(bytes, 300), height: 200 }],
      },
    );
    const t = meshTexels(a);
    // quad 1: √(1 · 512² / 1) = 512 texels/m; quad 2: √(.25 · 512²) = 256; equal areas
    expect(t.density).toMatchObject({ median: 256, p5: 256, p95: 512, mean: 384 });
    expect(t.density!.cv).toBeCloseTo(128 / 384, 12);
    expect(t.densityCoverage).toBe(1);
    expect(t.roles.baseColor).toEqual([{ texture: 0, width: 512, height: 512, powerOfTwo: true, mimeType: 'image/png' }]);
    expect(t.roles.normal).toEqual([{ texture: 1, width: 300, height: 200, powerOfTwo: false, mimeType: 'image/png' }]);
    expect(t.roles.emissive).toEqual([]);
  });

  it('knows the density a display needs', () => {
    expect(texelDensityNeeded({ pixels: 1080, fovDegrees: 60, distance: 1 })).toBeCloseTo(1080 / (2 * Math.tan(Math.PI / 6)), 9);
    expect(texelDensityNeeded({ pixels: 1080, fovDegrees: 60, distance: 1, texelsPerPixel: 2 })).toBeCloseTo(1870.6, 1);
  });
});

describe('meshMaterials', () => {
  it('measures albedo through the factor and flags implausible materials', async () => {
    const [grey, black] = [await png([128, 128, 128]), await png([10, 10, 10])];
    const base = (t: number) => ({ baseColor: { texture: t, texCoord: 0 } });
    const a = asset([], {
      textures: [texture(grey, 8), texture(black, 8), { ...texture(new Uint8Array([1, 2, 3]), 0), problem: 'not an image' }],
      materials: [
        material({ textures: { ...base(0), normal: { texture: 0, texCoord: 0 } } }),
        material({ textures: base(1), doubleSided: true }),
        material({ baseColorFactor: [0.5, 0.5, 0.5, 1], alphaMode: 'BLEND' }),
        material({ metallicFactor: 1, roughnessFactor: 1.5, unlit: true }),
        material({ textures: base(2) }),
      ],
    });
    const m = await meshMaterials(a);
    expect(m.materials[0]).toMatchObject({ albedoMean: 128, albedoOutOfRange: 0, missingNormalMap: false, metal: false });
    expect(m.materials[1]).toMatchObject({ albedoMean: 10, albedoOutOfRange: 1, missingNormalMap: true });
    // linear 0.5 is sRGB 0.7354 → 187.5
    expect(m.materials[2].albedoMean).toBeCloseTo(187.5, 0);
    expect(m.materials[3]).toMatchObject({ metal: true, factorsInRange: false });
    expect(m.materials[3].albedoMean).toBeUndefined();
    expect(m.materials[4].albedoProblem).toBe('not an image');
    expect(m).toMatchObject({
      factorsOutOfRange: 1,
      nonMetalsMeasured: 3,
      albedoOutOfRange: 1 / 3,
      missingNormalMaps: 2,
      alphaModes: { OPAQUE: 4, MASK: 0, BLEND: 1 },
      doubleSided: 1,
      unlit: 1,
    });
  });
});

describe('an asset without triangles', () => {
  it('measures nothing and fails nowhere', async () => {
    const points = asset([{ mesh: 0, mode: 'points', positions: new Float32Array(3), indices: Uint32Array.from([0]) }]);
    expect(meshGeometry(points)).toMatchObject({ largestSide: 0, surfaceArea: 0, volume: undefined, normalsPresent: 0 });
    expect(meshUv(points, { raster: 8 })).toMatchObject({ uvPresent: 0, coverage: 0, areaStretch: undefined });
    expect(meshTexels(points)).toMatchObject({ density: undefined, densityCoverage: 0 });
    expect((await meshMaterials(points)).nonMetalsMeasured).toBe(0);
  });
});
