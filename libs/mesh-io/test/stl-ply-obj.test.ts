import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@assay/contracts';
import { DEFAULT_MESH_LIMITS, detectMeshFormat, parseMesh, readMesh } from '@assay/mesh-io';
import { bounds, HAVE_MODELS, indicesInRange, model, rejectionOf, text, triangleCount, utf8, vertexCount } from './mesh-fixtures.js';

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

  it('reads a truncated binary STL, and text that is no STL, as unreadable (not too large)', async () => {
    const err = await rejectionOf(readMesh(model('STL/Spider_binary.stl').subarray(0, 30_000), { filename: 'spider.stl' }));
    expect(err.code).toBe(ErrorCode.MeshUnreadable);
    expect(err.message).toContain('announces 1368 triangles');
    const garbage = await rejectionOf(readMesh(model('OBJ/box.obj'), { filename: 'box.stl' }));
    expect(garbage.code).toBe(ErrorCode.MeshUnreadable);
  });

  it('reads a binary STL with bytes after its last triangle, with a warning', async () => {
    const padded = new Uint8Array([...model('STL/Spider_binary.stl'), ...new Uint8Array(7)]);
    const asset = await readMesh(padded, { filename: 'spider.stl' });
    expect(triangleCount(asset)).toBe(1368);
    expect(asset.warnings).toEqual(['7 bytes after the 1368 triangles of the binary STL were ignored']);
  });

  it('reads every STL of the models: multiple solids, an empty solid, 3ds Max export', async () => {
    expect(triangleCount(await readMesh(model('STL/triangle_with_two_solids.stl')))).toBe(2);
    expect(triangleCount(await readMesh(model('STL/triangle_with_empty_solid.stl')))).toBe(1);
    expect(triangleCount(await readMesh(model('STL/3DSMaxExport.STL'), { filename: '3DSMaxExport.STL' }))).toBe(2000);
  });

  it('refuses a unit scale that is not a positive number', async () => {
    const err = await rejectionOf(parseMesh(model('STL/triangle.stl'), { unitScale: 0 }));
    expect(err.code).toBe(ErrorCode.ValidationFailed);
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

  it('reads big-endian binary (cube_binary.ply byte-swapped) like little-endian', async () => {
    const little = model('PLY/cube_binary.ply');
    const headerEnd = text(little).indexOf('end_header\n') + 'end_header\n'.length;
    const header = utf8(text(little.subarray(0, headerEnd)).replace('binary_little_endian', 'binary_big_endian'));
    const body = little.slice(headerEnd);
    const swap4 = (at: number) => body.subarray(at, at + 4).reverse();
    for (let v = 0; v < 8; v++) for (let axis = 0; axis < 3; axis++) swap4(v * 12 + axis * 4);
    // 12 faces of a uchar count and three int indices
    for (let f = 0; f < 12; f++) for (let corner = 0; corner < 3; corner++) swap4(96 + f * 13 + 1 + corner * 4);
    const [a, b] = await Promise.all([parseMesh(little), parseMesh(new Uint8Array([...header, ...body]))]);
    expect(b.primitives[0].positions).toEqual(a.primitives[0].positions);
    expect(b.primitives[0].indices).toEqual(a.primitives[0].indices);
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
    // the first vertex line ends with s t = 0.681180 0.275678: v becomes 1 − t
    expect(p.uvs![0]).toBeCloseTo(0.68118, 6);
    expect(p.uvs![1]).toBeCloseTo(1 - 0.275678, 6);
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

  it('reads negative (relative) indices as the vertices they count back to', async () => {
    const relative = text(model('OBJ/box.obj')).replace(
      /^f (.*)$/gm,
      (_, corners: string) =>
        `f ${corners
          .split(' ')
          .map((c) => Number(c) - 9)
          .join(' ')}`,
    );
    expect(relative).toContain('f -5 -6 -7 -8');
    const [a, b] = await Promise.all([
      parseMesh(model('OBJ/box.obj'), { filename: 'box.obj' }),
      parseMesh(utf8(relative), { filename: 'box.obj' }),
    ]);
    expect(b.primitives[0].indices).toEqual(a.primitives[0].indices);
    expect(b.primitives[0].positions).toEqual(a.primitives[0].positions);
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

  it('reads UTF-16 text, vertex colours, and vertices alone as a point cloud', async () => {
    const utf16 = await readMesh(model('OBJ/box_UTF16BE.obj'), { filename: 'box_UTF16BE.obj' });
    expect(triangleCount(utf16)).toBe(12);
    const colored = await readMesh(model('OBJ/cube_with_vertexcolors.obj'), { filename: 'cube.obj' });
    expect(colored.primitives[0].colors).toHaveLength(24 * 4);
    expect(Array.from(colored.primitives[0].colors!.subarray(0, 4)).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([
      0.48627, 0.43137, 0.47059, 1,
    ]);
    const cloud = await readMesh(model('OBJ/point_cloud.obj'), { filename: 'point_cloud.obj' });
    expect(cloud.primitives.map((p) => [p.mode, p.indices.length])).toEqual([['points', 3]]);
  });

  it('splits objects and materials into primitives (testmixed: lines, points and faces)', async () => {
    const asset = await readMesh(model('OBJ/testmixed.obj'), { filename: 'testmixed.obj' });
    expect(asset.primitives.map((p) => p.mode)).toEqual(['lines', 'points', 'triangles']);
    expect(indicesInRange(asset)).toBe(true);
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
