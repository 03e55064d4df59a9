import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@assay/contracts';
import { DEFAULT_MESH_LIMITS, detectMeshFormat, parseMesh, readMesh, type MeshAsset } from '@assay/mesh-io';
import {
  bounds,
  HAVE_MODELS,
  indicesInRange,
  model,
  rejectionOf,
  text,
  triangleCount,
  utf8,
  vertexCount,
  zipModels,
} from './mesh-fixtures.js';

const BOX_GLB = 'glTF2/BoxTextured-glTF-Binary/BoxTextured.glb';
const UNIT_BOX = [
  [-0.5, -0.5, -0.5],
  [0.5, 0.5, 0.5],
];

function expectTexturedBox(asset: MeshAsset) {
  expect(vertexCount(asset)).toBe(24);
  expect(triangleCount(asset)).toBe(12);
  expect(bounds(asset)).toEqual(UNIT_BOX);
  expect(asset.primitives[0].uvs).toHaveLength(48);
  expect(asset.primitives[0].normals).toHaveLength(72);
  expect(asset.textures).toHaveLength(1);
  expect(asset.textures[0]).toMatchObject({ mimeType: 'image/png', width: 211, height: 211 });
  expect(asset.materials[0]).toMatchObject({
    name: 'Texture',
    textures: { baseColor: { texture: 0, texCoord: 0 } },
    alphaMode: 'OPAQUE',
    unlit: false,
  });
  expect(asset.validation).toMatchObject({
    errors: 0,
    validatorVersion: '2.0.0-dev.3.10',
    byCode: { IMAGE_NPOT_DIMENSIONS: { severity: 'info', count: 1 } },
  });
}

/** The GLB with `edit` applied to its JSON chunk (re-padded), for deliberately broken variants of a real file. */
function editGlbJson(glb: Uint8Array, edit: (json: any) => void): Uint8Array {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  const jsonLength = view.getUint32(12, true);
  const json = JSON.parse(text(glb.subarray(20, 20 + jsonLength)));
  edit(json);
  let encoded = JSON.stringify(json);
  while (encoded.length % 4) encoded += ' ';
  const rest = glb.subarray(20 + jsonLength);
  const out = new Uint8Array(20 + encoded.length + rest.length);
  out.set(glb.subarray(0, 20));
  out.set(utf8(encoded), 20);
  out.set(rest, 20 + encoded.length);
  const outView = new DataView(out.buffer);
  outView.setUint32(8, out.length, true);
  outView.setUint32(12, encoded.length, true);
  return out;
}

describe.skipIf(!HAVE_MODELS)('glTF and GLB', () => {
  it('reads the textured box from a GLB, an embedded .gltf and a zipped .gltf + .bin + .png alike', async () => {
    expect(detectMeshFormat(model(BOX_GLB))).toBe('glb');
    const glb = await readMesh(model(BOX_GLB), { filename: 'BoxTextured.glb', unitScale: 0.01 });
    expect(glb.unitScale).toBe(1);
    expect(glb.warnings).toEqual(['unitScale 0.01 ignored: glTF is in metres by definition']);
    expect(glb.format).toBe('glb');
    expectTexturedBox(glb);
    // no filename needed: the JSON's "asset" gives it away
    expect(detectMeshFormat(model('glTF2/BoxTextured-glTF-Embedded/BoxTextured.gltf'))).toBe('gltf');
    const embedded = await readMesh(model('glTF2/BoxTextured-glTF-Embedded/BoxTextured.gltf'));
    expect(embedded.format).toBe('gltf');
    expectTexturedBox(embedded);
    const bundle = await readMesh(zipModels('glTF2/BoxTextured-glTF'), { filename: 'box.zip', contentType: 'application/zip' });
    expect(bundle.format).toBe('gltf');
    expectTexturedBox(bundle);
    expect(bundle.textures[0].name).toBe('CesiumLogoFlat.png');
    expect(Buffer.from(bundle.textures[0].bytes).equals(model('glTF2/BoxTextured-glTF/CesiumLogoFlat.png'))).toBe(true);
  });

  it('applies node transforms (a translation and a mirroring scale) to positions and normals, and keeps the winding', async () => {
    const moved = editGlbJson(model(BOX_GLB), (json) => {
      json.nodes[0].children = [1, 2];
      json.nodes.push({ mesh: json.nodes[1].mesh, translation: [10, 0, 0], scale: [-2, 1, 1] });
    });
    const asset = await readMesh(moved);
    expect(asset.primitives).toHaveLength(2);
    expect(asset.nodeCount).toBe(2);
    expect(bounds({ ...asset, primitives: [asset.primitives[1]] }).map((v) => v.map((x) => Math.round(x * 1e6) / 1e6))).toEqual([
      [9, -0.5, -0.5],
      [11, 0.5, 0.5],
    ]);
    const [a, b] = asset.primitives;
    // normals go through the inverse transpose (x scaled by 1 / -2), not renormalised
    for (let i = 0; i < a.normals!.length; i += 3) {
      expect(b.normals![i]).toBeCloseTo(-0.5 * a.normals![i], 6);
      expect(b.normals![i + 1]).toBeCloseTo(a.normals![i + 1], 6);
    }
    // the mirrored copy swaps the second and third corner of every triangle
    expect([b.indices[0], b.indices[1], b.indices[2]]).toEqual([a.indices[0], a.indices[2], a.indices[1]]);
  });

  it('reads a Draco-compressed bundle to the same extent as the uncompressed GLB', async () => {
    const draco = await readMesh(zipModels('glTF2/draco'), { filename: 'engine.zip' });
    const plain = await readMesh(model('glTF2/2CylinderEngine-glTF-Binary/2CylinderEngine.glb'));
    expect(draco.validation?.byCode.UNSUPPORTED_EXTENSION?.count).toBe(1);
    expect(plain.meshCount).toBe(29);
    expect(plain.primitives).toHaveLength(draco.primitives.length);
    expect(triangleCount(plain)).toBe(121496);
    expect(vertexCount(plain)).toBe(84657);
    expect(triangleCount(draco)).toBeGreaterThan(100_000);
    const [dMin, dMax] = bounds(draco);
    const [pMin, pMax] = bounds(plain);
    for (let axis = 0; axis < 3; axis++) {
      expect(dMin[axis]).toBeCloseTo(pMin[axis], 0);
      expect(dMax[axis]).toBeCloseTo(pMax[axis], 0);
    }
    expect(indicesInRange(draco) && indicesInRange(plain)).toBe(true);
  });

  it('expands every primitive mode (glTF-Asset-Generator Mesh_PrimitiveMode)', async () => {
    const read = (n: string) =>
      readMesh(zipModels('glTF2/glTF-Asset-Generator/Mesh_PrimitiveMode', [`Mesh_PrimitiveMode_${n}.gltf`, `Mesh_PrimitiveMode_${n}.bin`]));
    const summary = async (n: string) => {
      const p = (await read(n)).primitives[0];
      return [p.mode, Array.from(p.indices).slice(0, 8).join(',')];
    };
    expect(await summary('00')).toEqual(['points', '0,1,2,3,4,5,6,7']);
    expect(await summary('02')).toEqual(['lines', '0,1,1,2,2,3,3,0']); // line loop closed
    expect(await summary('03')).toEqual(['lines', '0,1,1,2,2,3,3,4']); // line strip
    expect(await summary('04')).toEqual(['triangles', '0,1,2,2,1,3']); // strip: every other triangle turned back
    expect(await summary('05')).toEqual(['triangles', '0,1,2,0,2,3']); // fan
    expect(await summary('09')).toEqual(['lines', '0,3,3,2,2,1,1,0']); // indexed line loop
    expect(await summary('11')).toEqual(['triangles', '0,3,1,1,3,2']); // indexed strip
    expect(await summary('12')).toEqual(['triangles', '0,3,2,0,2,1']); // indexed fan
    expect(await summary('14')).toEqual(['triangles', '1,0,3,1,3,2']); // byte indices
  });

  it('reads an asset with validator errors when it can (SchemaFailures: scene of the wrong type)', async () => {
    const asset = await readMesh(
      zipModels('glTF2/SchemaFailures', undefined, { 'BoxTextured0.bin': model('glTF2/BoxTextured-glTF/BoxTextured0.bin') }),
    );
    expect(asset.validation?.byCode.TYPE_MISMATCH).toEqual({ severity: 'error', count: 1 });
    expect(asset.validation?.errors).toBe(1);
    expect(triangleCount(asset)).toBe(12);
  });

  it('reads the wrongTypes assets it can and refuses the others with the validator’s findings, never an untyped error', async () => {
    const wrong = (name: string) => parseMesh(zipModels('glTF2/wrongTypes', [`${name}.gltf`, 'BoxTextured0.bin', 'CesiumLogoFlat.png']));
    for (const name of ['badExtension', 'badObject', 'badString'])
      expect((await wrong(name)).validation?.byCode.TYPE_MISMATCH?.severity).toBe('error');
    for (const [name, code] of [
      ['badArray', 'TYPE_MISMATCH'],
      ['badNumber', 'UNDEFINED_PROPERTY'],
      ['badUint', 'INVALID_INDEX'],
    ]) {
      const err = await rejectionOf(wrong(name));
      expect(err.code).toBe(ErrorCode.MeshUnreadable);
      expect(err.message).toContain(code);
    }
  });

  it('maps materials: alpha mode, double-sidedness, KHR_materials_unlit and the texture coordinate set', async () => {
    const variant = editGlbJson(model(BOX_GLB), (json) => {
      json.extensionsUsed = ['KHR_materials_unlit'];
      Object.assign(json.materials[0], {
        alphaMode: 'MASK',
        doubleSided: true,
        emissiveFactor: [0.25, 0.5, 1],
        extensions: { KHR_materials_unlit: {} },
      });
      json.materials[0].pbrMetallicRoughness.baseColorFactor = [0.5, 0.25, 1, 0.75];
      json.materials[0].pbrMetallicRoughness.baseColorTexture.texCoord = 1;
    });
    const asset = await readMesh(variant);
    expect(asset.materials[0]).toEqual({
      name: 'Texture',
      baseColorFactor: [0.5, 0.25, 1, 0.75],
      metallicFactor: 0,
      roughnessFactor: 1,
      emissiveFactor: [0.25, 0.5, 1],
      textures: { baseColor: { texture: 0, texCoord: 1 } },
      alphaMode: 'MASK',
      doubleSided: true,
      unlit: true,
    });
    // the validator notices the missing TEXCOORD_1; the asset is still read
    expect(asset.validation?.errors).toBeGreaterThan(0);
  });

  it('keeps infinite and NaN positions for the analysis to report (BoxWithInfinites)', async () => {
    const asset = await readMesh(model('glTF2/BoxWithInfinites-glTF-Binary/BoxWithInfinites.glb'));
    expect(asset.validation?.byCode.ACCESSOR_INVALID_FLOAT).toEqual({ severity: 'error', count: 24 });
    expect(asset.primitives[0].positions.some((v) => !Number.isFinite(v))).toBe(true);
  });

  it('refuses indices out of range as unreadable, quoting the validator (IndexOutOfRange)', async () => {
    for (const file of ['IndexOutOfRange', 'AllIndicesOutOfRange']) {
      const err = await rejectionOf(readMesh(zipModels('glTF2/IndexOutOfRange', [`${file}.gltf`, `${file}.bin`])));
      expect(err.code).toBe(ErrorCode.MeshUnreadable);
      expect(err.message).toContain('ACCESSOR_INDEX_OOB');
    }
  });

  it('refuses indices flipped out of range in a real GLB', async () => {
    const glb = model(BOX_GLB).slice();
    const view = new DataView(glb.buffer);
    const jsonLength = view.getUint32(12, true);
    const json = JSON.parse(text(glb.subarray(20, 20 + jsonLength)));
    const indices = json.accessors[json.meshes[0].primitives[0].indices];
    const bufferView = json.bufferViews[indices.bufferView];
    const binStart = 20 + jsonLength + 8;
    view.setUint16(binStart + (bufferView.byteOffset ?? 0) + (indices.byteOffset ?? 0), 9999, true);
    const err = await rejectionOf(readMesh(glb));
    expect(err.code).toBe(ErrorCode.MeshUnreadable);
    expect(err.message).toContain('9999');
    expect(err.message).toContain('ACCESSOR_INDEX_OOB');
  });

  it('reads a truncated GLB and a GLB with a broken buffer view as unreadable', async () => {
    const truncated = model(BOX_GLB).subarray(0, 3000);
    expect((await rejectionOf(readMesh(truncated))).code).toBe(ErrorCode.MeshUnreadable);
    const err = await rejectionOf(readMesh(zipModels('glTF2/IncorrectVertexArrays')));
    expect(err.code).toBe(ErrorCode.MeshUnreadable);
    expect(err.message).toContain('BUFFER_VIEW_TOO_LONG');
  });

  it('refuses a buffer outside the asset: a separate .bin (MissingBin), http, file: and .. URIs', async () => {
    const standalone = await rejectionOf(readMesh(model('glTF2/BoxTextured-glTF/BoxTextured.gltf'), { filename: 'BoxTextured.gltf' }));
    expect(standalone.code).toBe(ErrorCode.ExternalResourceRefused);
    expect(standalone.message).toContain('BoxTextured0.bin');
    const missing = await rejectionOf(readMesh(zipModels('glTF2/MissingBin')));
    expect(missing.code).toBe(ErrorCode.ExternalResourceRefused);
    expect(missing.message).toMatch(/"BoxTextured0.bin", which is not in the bundle/);
    const gltf = text(model('glTF2/BoxTextured-glTF/BoxTextured.gltf'));
    for (const uri of ['http://169.254.169.254/latest/meta-data', 'file:///etc/passwd', '../../etc/passwd', '/etc/passwd']) {
      const bundle = zipModels('glTF2/BoxTextured-glTF', undefined, {
        'BoxTextured.gltf': utf8(gltf.replace('"BoxTextured0.bin"', JSON.stringify(uri))),
      });
      const err = await rejectionOf(readMesh(bundle));
      expect(err.code).toBe(ErrorCode.ExternalResourceRefused);
      expect(err.message).toContain(uri);
    }
    const image = await rejectionOf(
      readMesh(
        zipModels('glTF2/BoxTextured-glTF', undefined, {
          'BoxTextured.gltf': utf8(gltf.replace('"CesiumLogoFlat.png"', '"https://example.com/a.png"')),
        }),
      ),
    );
    expect(image.message).toContain('https://example.com/a.png');
  });

  it('refuses from accessor counts and texture headers before reading', async () => {
    const vertices = await rejectionOf(
      readMesh(model('glTF2/2CylinderEngine-glTF-Binary/2CylinderEngine.glb'), { limits: { ...DEFAULT_MESH_LIMITS, maxVertices: 80_000 } }),
    );
    expect(vertices.code).toBe(ErrorCode.MeshTooLarge);
    expect(vertices.message).toMatch(/glTF vertices.*: 84657 exceeds the limit of 80000/);
    const pixels = await rejectionOf(readMesh(model(BOX_GLB), { limits: { ...DEFAULT_MESH_LIMITS, maxTexturePixels: 200 * 200 } }));
    expect(pixels.code).toBe(ErrorCode.MeshTooLarge);
    expect(pixels.message).toContain('211×211');
  });
});
