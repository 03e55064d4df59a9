import { AssayError } from '@assay/contracts';
import {
  NodeIO,
  type Accessor,
  type Document,
  type Material,
  type Node,
  type Primitive,
  type Texture,
  type TextureInfo,
} from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import draco3d from 'draco3dgltf';
import { openGltf } from './gltf-container.js';
import { validateGltf } from './gltf-validation.js';
import { unreadable } from './limits.js';
import { determinant3, IDENTITY, isIdentity, multiply, normalMatrix, transformPoints, transformVectors, type Mat4 } from './matrix.js';
import type { MeshAsset, MeshMaterial, MeshPrimitive, MeshTexture, TextureRole, TextureSlot } from './mesh-asset.js';
import { sequence, type ReadContext } from './read-context.js';
import { describeTexture } from './textures.js';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

let sharedIO: Promise<NodeIO> | undefined;

/** One NodeIO per thread, so the Draco decoder's WebAssembly is compiled once (only decoding is ever needed). */
function nodeIO(): Promise<NodeIO> {
  sharedIO ??= draco3d
    .createDecoderModule()
    .then((decoder) => new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({ 'draco3d.decoder': decoder }));
  return sharedIO;
}

/**
 * glTF and GLB: resources resolved inside the asset, counts checked, the Khronos validator's report, then
 * gltf-transform's reading of the scene graph into world-space primitives, one per (node, primitive) instance.
 * Validator errors do not stop the reading; only an asset that cannot be read is mesh_unreadable.
 */
export async function readGltf(bytes: Uint8Array, ctx: ReadContext): Promise<MeshAsset> {
  const format = bytes[0] === 0x67 && bytes[1] === 0x6c && bytes[2] === 0x54 && bytes[3] === 0x46 ? 'glb' : 'gltf';
  const container = openGltf(bytes, format, ctx);
  const { validation, firstErrors } = await validateGltf(bytes, format, ctx.name, container.resources).catch((err: unknown) => {
    throw unreadable(`${ctx.name} could not be validated as glTF: ${messageOf(err)}`);
  });
  // gltf-transform's errors are untyped: the validator's findings say what is wrong
  const failed = (what: string, err: unknown) =>
    err instanceof AssayError
      ? err
      : unreadable(`${ctx.name}: ${what}: ${messageOf(err)}${firstErrors.length ? `; glTF-Validator: ${firstErrors.join('; ')}` : ''}`);
  const io = await nodeIO();
  let doc: Document;
  try {
    doc = await io.readJSON({ json: container.json as never, resources: container.resources as Record<string, Uint8Array<ArrayBuffer>> });
  } catch (err) {
    throw failed('gltf-transform cannot read it', err);
  }
  const warnings: string[] = [];
  if (ctx.unitScale !== 1) warnings.push(`unitScale ${ctx.unitScale} ignored: glTF is in metres by definition`);
  const textures = doc.getRoot().listTextures();
  const assetTextures = textures.map((t) => readTexture(t, ctx));
  const materials = doc.getRoot().listMaterials();
  let scene: ReturnType<typeof collectPrimitives>;
  try {
    scene = collectPrimitives(doc, materials, warnings);
    checkIndices(scene.primitives);
  } catch (err) {
    throw failed('it cannot be drawn', err);
  }
  return {
    format,
    unitScale: 1,
    primitives: scene.primitives,
    materials: materials.map((m) => readMaterial(m, textures)),
    textures: assetTextures,
    meshCount: doc.getRoot().listMeshes().length,
    nodeCount: scene.nodeCount,
    validation,
    warnings,
  };
}

function readTexture(texture: Texture, ctx: ReadContext): MeshTexture {
  const uri = texture.getURI();
  const name = texture.getName() || (uri && !uri.startsWith('data:') ? uri : undefined);
  const image = texture.getImage();
  if (!image)
    return {
      name,
      mimeType: texture.getMimeType() || 'application/octet-stream',
      width: 0,
      height: 0,
      bytes: new Uint8Array(0),
      problem: 'no image data',
    };
  return describeTexture(image, ctx.limits.maxTexturePixels, name, texture.getMimeType() || undefined);
}

const ROLES: [TextureRole, (m: Material) => Texture | null, (m: Material) => TextureInfo | null][] = [
  ['baseColor', (m) => m.getBaseColorTexture(), (m) => m.getBaseColorTextureInfo()],
  ['normal', (m) => m.getNormalTexture(), (m) => m.getNormalTextureInfo()],
  ['metallicRoughness', (m) => m.getMetallicRoughnessTexture(), (m) => m.getMetallicRoughnessTextureInfo()],
  ['occlusion', (m) => m.getOcclusionTexture(), (m) => m.getOcclusionTextureInfo()],
  ['emissive', (m) => m.getEmissiveTexture(), (m) => m.getEmissiveTextureInfo()],
];

function readMaterial(material: Material, textures: Texture[]): MeshMaterial {
  const slots: Partial<Record<TextureRole, TextureSlot>> = {};
  for (const [role, texture, info] of ROLES) {
    const t = texture(material);
    if (t) slots[role] = { texture: textures.indexOf(t), texCoord: info(material)?.getTexCoord() ?? 0 };
  }
  const out: MeshMaterial = {
    baseColorFactor: material.getBaseColorFactor(),
    metallicFactor: material.getMetallicFactor(),
    roughnessFactor: material.getRoughnessFactor(),
    emissiveFactor: material.getEmissiveFactor(),
    textures: slots,
    alphaMode: material.getAlphaMode(),
    doubleSided: material.getDoubleSided(),
    unlit: material.getExtension('KHR_materials_unlit') !== null,
  };
  if (material.getName()) out.name = material.getName();
  return out;
}

/**
 * Walks the default scene (or, without scenes, every root node) accumulating world matrices; each node's mesh
 * primitives become world-space primitives. A node seen twice on one path (a cycle) is not entered again.
 */
function collectPrimitives(doc: Document, materials: Material[], warnings: string[]): { primitives: MeshPrimitive[]; nodeCount: number } {
  const root = doc.getRoot();
  const meshes = root.listMeshes();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  const roots = scene ? scene.listChildren() : root.listNodes().filter((n) => !n.getParentNode());
  if (!scene && roots.length) warnings.push('the glTF has no scene: every root node is drawn');
  const primitives: MeshPrimitive[] = [];
  let nodeCount = 0;
  const visit = (node: Node, parent: Mat4, path: Set<Node>) => {
    if (path.has(node)) return;
    const world = multiply(parent, node.getMatrix());
    const mesh = node.getMesh();
    if (mesh && node.getExtension('EXT_mesh_gpu_instancing'))
      warnings.push(`node "${node.getName()}" uses EXT_mesh_gpu_instancing: drawn once, its instances are not expanded`);
    if (mesh) {
      nodeCount++;
      for (const primitive of mesh.listPrimitives()) {
        const out = readPrimitive(primitive, world, meshes.indexOf(mesh), materials, warnings);
        if (out) primitives.push(out);
      }
    }
    path.add(node);
    for (const child of node.listChildren()) visit(child, world, path);
    path.delete(node);
  };
  for (const node of roots) visit(node, IDENTITY, new Set());
  const instanced = new Set(primitives.map((p) => p.mesh));
  const unused = meshes.length - instanced.size;
  if (unused > 0) warnings.push(`${unused} mesh(es) not instanced by any node of the scene: not drawn`);
  return { primitives, nodeCount };
}

/** An accessor's elements as float32 (normalised integers → [0, 1] or [-1, 1]), copied into a buffer of its own. */
function floats(accessor: Accessor): Float32Array {
  // gltf-transform's TypedArray names Float16Array, which this ES2023 lib lacks
  const array = accessor.getArray() as ArrayLike<number> | null;
  if (array instanceof Float32Array && !accessor.getNormalized()) return array.slice();
  const size = accessor.getElementSize();
  const out = new Float32Array(accessor.getCount() * size);
  const element: number[] = [];
  for (let i = 0; i < accessor.getCount(); i++) out.set(accessor.getElement(i, element), i * size);
  return out;
}

const MODE = { POINTS: 0, LINES: 1, LINE_LOOP: 2, LINE_STRIP: 3, TRIANGLES: 4, TRIANGLE_STRIP: 5, TRIANGLE_FAN: 6 } as const;

function readPrimitive(
  primitive: Primitive,
  world: Mat4,
  mesh: number,
  materials: Material[],
  warnings: string[],
): MeshPrimitive | undefined {
  const position = primitive.getAttribute('POSITION');
  if (!position) {
    warnings.push(`a primitive of mesh ${mesh} has no POSITION: skipped`);
    return undefined;
  }
  const positions = floats(position);
  if (!isIdentity(world)) transformPoints(positions, world);
  const source = primitive.getIndices()?.getArray() as ArrayLike<number> | null | undefined;
  const elements = source ? Uint32Array.from(source) : sequence(position.getCount());
  const mode = primitive.getMode();
  const out: MeshPrimitive = { mesh, mode: 'triangles', positions, indices: elements };
  if (mode === MODE.POINTS) out.mode = 'points';
  else if (mode === MODE.LINES || mode === MODE.LINE_LOOP || mode === MODE.LINE_STRIP) {
    out.mode = 'lines';
    out.indices = mode === MODE.LINES ? elements : lineSegments(elements, mode === MODE.LINE_LOOP);
  } else {
    out.indices =
      mode === MODE.TRIANGLES ? elements.subarray(0, elements.length - (elements.length % 3)).slice() : expandTriangles(elements, mode);
    // a mirroring transform turns the front faces around: the winding is swapped back
    if (determinant3(world) < 0)
      for (let i = 0; i < out.indices.length; i += 3) [out.indices[i + 1], out.indices[i + 2]] = [out.indices[i + 2], out.indices[i + 1]];
  }
  const normal = primitive.getAttribute('NORMAL');
  if (normal) {
    out.normals = floats(normal);
    if (!isIdentity(world)) transformVectors(out.normals, normalMatrix(world));
  }
  const uv = primitive.getAttribute('TEXCOORD_0');
  if (uv) out.uvs = floats(uv);
  const color = primitive.getAttribute('COLOR_0');
  if (color) out.colors = rgba(floats(color), color.getElementSize());
  const material = primitive.getMaterial();
  if (material) out.material = materials.indexOf(material);
  return out;
}

function rgba(values: Float32Array, size: number): Float32Array {
  if (size === 4) return values;
  const out = new Float32Array((values.length / 3) * 4).fill(1);
  for (let i = 0, j = 0; i < values.length; i += 3, j += 4) out.set(values.subarray(i, i + 3), j);
  return out;
}

function lineSegments(strip: Uint32Array, loop: boolean): Uint32Array {
  const segments = Math.max(0, strip.length - 1) + (loop && strip.length > 2 ? 1 : 0);
  const out = new Uint32Array(segments * 2);
  for (let s = 0; s < strip.length - 1; s++) out.set([strip[s], strip[s + 1]], s * 2);
  if (loop && strip.length > 2) out.set([strip[strip.length - 1], strip[0]], (segments - 1) * 2);
  return out;
}

/** TRIANGLE_STRIP and TRIANGLE_FAN as a list of triangles, with the strip's alternating winding kept consistent. */
function expandTriangles(elements: Uint32Array, mode: number): Uint32Array {
  const count = Math.max(0, elements.length - 2);
  const out = new Uint32Array(count * 3);
  for (let i = 0; i < count; i++) {
    if (mode === MODE.TRIANGLE_FAN) out.set([elements[0], elements[i + 1], elements[i + 2]], i * 3);
    else if (i % 2 === 0) out.set([elements[i], elements[i + 1], elements[i + 2]], i * 3);
    else out.set([elements[i + 1], elements[i], elements[i + 2]], i * 3);
  }
  return out;
}

function checkIndices(primitives: MeshPrimitive[]): void {
  for (const p of primitives) {
    const vertices = p.positions.length / 3;
    for (const index of p.indices)
      if (index >= vertices) throw new Error(`an index of mesh ${p.mesh} is ${index}, but the primitive has ${vertices} vertices`);
  }
}
