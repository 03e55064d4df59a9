import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@assay/contracts';
import { DEFAULT_MESH_LIMITS, detectMeshFormat, parseMesh, readMesh } from '@assay/mesh-io';
import { bounds, HAVE_MODELS, indicesInRange, model, rejectionOf, triangleCount, vertexCount } from './mesh-fixtures.js';

describe.skipIf(!HAVE_MODELS)('STL', () => {
  it('reads ASCII and binary Spider to the same 1368 unindexed triangles', async () => {
    const ascii = await readMesh(model('STL/Spider_ascii.stl'), { filename: 'Spider_ascii.stl' });
    const binary = await readMesh(model('STL/Spider_binary.stl'), { filename: 'Spider_binary.stl' });
    expect(detectMeshFormat(model('STL/Spider_binary.stl'))).toBe('stl');
    expect(detectMeshFormat(model('STL/Spider_ascii.stl'))).toBe('stl');
    expect(triangleCount(binary)).toBe(1368);
    expect(triangleCount(ascii)).toBe(1368);
    expect(Array.from(binary.primitives[0].indices.subarray(0, 4))).toEqual([0, 1, 2, 3]);
    const a = ascii.primitives[0].positions;
    const b = binary.primitives[0].positions;
    expect(a.length).toBe(b.length);
    expect(a.every((v, i) => Math.abs(v - b[i]) <= 1e-4 * Math.max(1, Math.abs(v)))).toBe(true);
    expect(binary).toMatchObject({ format: 'stl', meshCount: 1, unitScale: 1 });
  });

  it('applies the unit scale (millimetres → metres)', async () => {
    const metres = await parseMesh(model('STL/Spider_binary.stl'));
    const millimetres = await parseMesh(model('STL/Spider_binary.stl'), { unitScale: 0.001 });
    expect(millimetres.unitScale).toBe(0.001);
    expect(bounds(millimetres)[1][0]).toBeCloseTo(bounds(metres)[1][0] * 0.001, 6);
  });

  it('refuses a binary STL whose header announces more triangles than allowed, before parsing', async () => {
    const limits = { ...DEFAULT_MESH_LIMITS, maxTriangles: 1000 };
    const err = await rejectionOf(readMesh(model('STL/Spider_binary.stl'), { limits }));
    expect(err.code).toBe(ErrorCode.MeshTooLarge);
    expect(err.message).toContain('1368');
    expect(err.message).toContain('1000');
  });

  it('refuses a file larger than maxBytes without starting a thread', async () => {
    const err = await rejectionOf(readMesh(model('STL/Spider_binary.stl'), { limits: { ...DEFAULT_MESH_LIMITS, maxBytes: 1000 } }));
    expect(err.code).toBe(ErrorCode.MeshTooLarge);
  });

  it('reads a truncated binary STL (size no longer matches) as unreadable', async () => {
    const err = await rejectionOf(readMesh(model('STL/Spider_binary.stl').subarray(0, 30_000), { filename: 'spider.stl' }));
    expect(err.code).toBe(ErrorCode.MeshUnreadable);
  });
});

describe.skipIf(!HAVE_MODELS)('PLY', () => {
  it('reads ASCII and binary cubes: 8 shared vertices, 6 quads fanned to 12 triangles', async () => {
    for (const file of ['PLY/cube.ply', 'PLY/cube_binary.ply']) {
      const asset = await readMesh(model(file), { filename: file });
      expect(asset.format).toBe('ply');
      expect(vertexCount(asset)).toBe(8);
      expect(triangleCount(asset)).toBe(12);
      expect(indicesInRange(asset)).toBe(true);
    }
  });

  it('reads float vertex colours with alpha', async () => {
    const asset = await readMesh(model('PLY/float-color.ply'));
    expect(asset.primitives[0].colors).toHaveLength(12);
    expect(Array.from(asset.primitives[0].colors!.subarray(0, 4))).toEqual([0, 0, 1, 1]);
  });

  it('reads Wuson with normals and s,t coordinates flipped to glTF convention', async () => {
    const asset = await readMesh(model('PLY/Wuson.ply'));
    const p = asset.primitives[0];
    expect(vertexCount(asset)).toBe(11184);
    expect(triangleCount(asset)).toBe(3732);
    expect(p.normals).toHaveLength(11184 * 3);
    expect(p.uvs).toHaveLength(11184 * 2);
  });

  it('reads a PLY without faces as points with uchar colours normalised', async () => {
    const asset = await readMesh(model('PLY/points.ply'));
    expect(asset.primitives[0].mode).toBe('points');
    expect(Array.from(asset.primitives[0].indices)).toEqual([0, 1, 2, 3]);
    expect(Array.from(asset.primitives[0].colors!.subarray(4, 8))).toEqual([1, 0, 1, 1]);
  });

  it('refuses from the header counts before parsing', async () => {
    const err = await rejectionOf(readMesh(model('PLY/Wuson.ply'), { limits: { ...DEFAULT_MESH_LIMITS, maxVertices: 10_000 } }));
    expect(err.code).toBe(ErrorCode.MeshTooLarge);
    expect(err.message).toMatch(/PLY vertices: 11184 exceeds the limit of 10000/);
  });

  it('reads a binary body shorter than its header (pond.0.ply) and a malformed header (issue623.ply) as unreadable', async () => {
    const pond = await rejectionOf(readMesh(model('PLY/pond.0.ply')));
    expect(pond.code).toBe(ErrorCode.MeshUnreadable);
    expect(pond.message).toContain('truncated');
    expect((await rejectionOf(readMesh(model('PLY/issue623.ply')))).code).toBe(ErrorCode.MeshUnreadable);
  });

  it('refuses a face index out of range', async () => {
    const text = new TextDecoder().decode(model('PLY/cube.ply')).replace(/^4 0 1 2 3\s*$/m, '4 0 1 2 99');
    expect(text).toContain('99');
    const err = await rejectionOf(readMesh(new TextEncoder().encode(text)));
    expect(err.code).toBe(ErrorCode.MeshUnreadable);
    expect(err.message).toContain('vertex 99');
  });
});

describe.skipIf(!HAVE_MODELS)('OBJ', () => {
  it('reads box.obj with its 8 shared vertices and 6 quads as 12 triangles', async () => {
    const asset = await readMesh(model('OBJ/box.obj'), { filename: 'box.obj' });
    expect(asset.format).toBe('obj');
    expect(vertexCount(asset)).toBe(8);
    expect(triangleCount(asset)).toBe(12);
    expect(bounds(asset)).toEqual([
      [-0.5, -0.5, -0.5],
      [0.5, 0.5, 0.5],
    ]);
  });

  it('reads lines and points as such', async () => {
    const lines = await readMesh(model('OBJ/testline.obj'), { filename: 'testline.obj' });
    expect(lines.primitives.map((p) => p.mode)).toEqual(['lines']);
    expect(lines.primitives[0].indices.length % 2).toBe(0);
    const points = await readMesh(model('OBJ/testpoints.obj'), { filename: 'testpoints.obj' });
    expect(points.primitives.map((p) => p.mode)).toEqual(['points']);
    expect(indicesInRange(points) && indicesInRange(lines)).toBe(true);
  });

  it('fans a concave polygon into triangles', async () => {
    const asset = await readMesh(model('OBJ/concave_polygon.obj'), { filename: 'concave_polygon.obj' });
    expect(triangleCount(asset)).toBeGreaterThan(0);
    expect(indicesInRange(asset)).toBe(true);
  });

  it('reads a standalone spider.obj with a warning for its missing MTL library', async () => {
    const asset = await readMesh(model('OBJ/spider.obj'), { filename: 'spider.obj' });
    expect(asset.meshCount).toBe(19);
    expect(asset.materials).toEqual([]);
    expect(asset.warnings[0]).toContain('"spider.mtl" is not in the asset');
    expect(asset.primitives.every((p) => p.uvs && p.uvs.every((v) => Number.isFinite(v)))).toBe(true);
  });

  it('refuses a face that references a vertex not declared', async () => {
    const text = new TextDecoder().decode(model('OBJ/box.obj')) + '\nf 1 2 42\n';
    const err = await rejectionOf(readMesh(new TextEncoder().encode(text), { filename: 'box.obj' }));
    expect(err.code).toBe(ErrorCode.MeshUnreadable);
    expect(err.message).toMatch(/vertex index 42 is out of range \(8 declared so far\)/);
  });

  it('refuses an extension it does not read', async () => {
    const err = await rejectionOf(readMesh(new TextEncoder().encode('hello'), { filename: 'notes.txt', contentType: 'text/plain' }));
    expect(err.code).toBe(ErrorCode.UnsupportedMeshFormat);
  });
});
