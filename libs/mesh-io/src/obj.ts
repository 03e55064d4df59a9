import { checkLimit, unreadable } from './limits.js';
import type { MeshAsset, MeshMaterial, MeshPrimitive, MeshTexture, PrimitiveMode, TextureRole } from './mesh-asset.js';
import { parseMtl, type MtlMaterial } from './mtl.js';
import { decodeText, sequence, type ReadContext } from './read-context.js';
import { dirname } from './resources.js';
import { describeTexture } from './textures.js';

/** The vertices and elements of one (object or group, mode, material) as they are collected. */
class PrimitiveBuilder {
  /** `v/vt/vn` → vertex: corners that repeat the same triple share a vertex */
  readonly vertexOf = new Map<string, number>();
  readonly positions: number[] = [];
  readonly uvs: number[] = [];
  readonly normals: number[] = [];
  readonly colors: number[] = [];
  readonly indices: number[] = [];
  hasUv = false;
  hasNormal = false;

  constructor(
    readonly mesh: number,
    readonly mode: PrimitiveMode,
    readonly materialName: string | undefined,
  ) {}
}

/** The file's shared vertex data, in file order (OBJ indices are 1-based and negative ones count from the end). */
interface Pools {
  v: number[];
  vc: number[];
  vt: number[];
  vn: number[];
}

/** 1-based or negative OBJ reference → 0-based, checked against what has been declared so far. */
function resolveIndex(text: string, count: number, what: string, line: number): number {
  const n = Number(text);
  const index = n < 0 ? count + n : n - 1;
  if (!Number.isInteger(n) || n === 0 || index < 0 || index >= count)
    throw unreadable(`OBJ line ${line}: ${what} index ${text} is out of range (${count} declared so far)`);
  return index;
}

function vertex(builder: PrimitiveBuilder, corner: string, pools: Pools, line: number): number {
  const [v, vt, vn] = corner.split('/');
  const p = resolveIndex(v, pools.v.length / 3, 'vertex', line);
  const t = vt ? resolveIndex(vt, pools.vt.length / 2, 'texture coordinate', line) : -1;
  const n = vn ? resolveIndex(vn, pools.vn.length / 3, 'normal', line) : -1;
  // keyed by resolved indices: a negative (relative) reference names different vertices along the file
  const key = `${p}/${t}/${n}`;
  const existing = builder.vertexOf.get(key);
  if (existing !== undefined) return existing;
  const at = builder.positions.length / 3;
  builder.positions.push(pools.v[p * 3], pools.v[p * 3 + 1], pools.v[p * 3 + 2]);
  builder.colors.push(pools.vc[p * 3] ?? 1, pools.vc[p * 3 + 1] ?? 1, pools.vc[p * 3 + 2] ?? 1, 1);
  // OBJ's v points up, glTF's down
  builder.uvs.push(t < 0 ? 0 : pools.vt[t * 2], t < 0 ? 0 : 1 - pools.vt[t * 2 + 1]);
  builder.normals.push(n < 0 ? 0 : pools.vn[n * 3], n < 0 ? 0 : pools.vn[n * 3 + 1], n < 0 ? 0 : pools.vn[n * 3 + 2]);
  builder.hasUv ||= t >= 0;
  builder.hasNormal ||= n >= 0;
  builder.vertexOf.set(key, at);
  return at;
}

/** Lines a pattern matches, counted without collecting them (a large OBJ has millions). */
function countMatches(text: string, pattern: RegExp): number {
  let count = 0;
  while (pattern.exec(text)) count++;
  return count;
}

/**
 * OBJ with its MTL libraries and textures. Each object/group is a mesh; within it one primitive per mode
 * (faces fanned into triangles, `l` lines, `p` points) and material. Corners with the same `v/vt/vn` share a
 * vertex, so an unseamed surface keeps its topology; a missing MTL or texture is a warning, not a failure.
 */
export function readObj(bytes: Uint8Array, ctx: ReadContext): MeshAsset {
  const text = decodeText(bytes);
  // counted before parsing: every face is at least one triangle
  checkLimit('OBJ vertices', countMatches(text, /^\s*v\s/gm), ctx.limits.maxVertices);
  checkLimit('OBJ faces', countMatches(text, /^\s*f\s/gm), ctx.limits.maxTriangles);

  const pools: Pools = { v: [], vc: [], vt: [], vn: [] };
  const builders = new Map<string, PrimitiveBuilder>();
  const meshNames: string[] = [];
  const mtllibs: string[] = [];
  let meshName = '';
  let material: string | undefined;
  let mesh = -1;
  let triangles = 0;
  const builder = (mode: PrimitiveMode) => {
    if (mesh < 0) mesh = meshNames.push(meshName) - 1;
    const key = `${mesh}\0${mode}\0${material ?? ''}`;
    let found = builders.get(key);
    if (!found) builders.set(key, (found = new PrimitiveBuilder(mesh, mode, material)));
    return found;
  };

  let lineNumber = 0;
  for (const raw of text.split(/\r?\n/)) {
    lineNumber++;
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const words = line.split(/\s+/);
    const args = line.slice(words[0].length).trim();
    switch (words[0]) {
      case 'v':
        // `v x y z r g b`: the vertex colour extension (absent colours read as white)
        if (words.length >= 7) for (let c = 0; c < 3; c++) pools.vc[pools.v.length + c] = Number(words[4 + c]);
        pools.v.push(Number(words[1]), Number(words[2]), Number(words[3]));
        break;
      case 'vt':
        pools.vt.push(Number(words[1]), Number(words[2] ?? 0));
        break;
      case 'vn':
        pools.vn.push(Number(words[1]), Number(words[2]), Number(words[3]));
        break;
      case 'f': {
        const b = builder('triangles');
        const corners = words.slice(1).map((c) => vertex(b, c, pools, lineNumber));
        for (let i = 2; i < corners.length; i++) b.indices.push(corners[0], corners[i - 1], corners[i]);
        triangles += Math.max(0, corners.length - 2);
        checkLimit('OBJ triangles (polygons fanned)', triangles, ctx.limits.maxTriangles);
        break;
      }
      case 'l': {
        const b = builder('lines');
        const corners = words.slice(1).map((c) => vertex(b, c, pools, lineNumber));
        for (let i = 1; i < corners.length; i++) b.indices.push(corners[i - 1], corners[i]);
        break;
      }
      case 'p': {
        const b = builder('points');
        for (const c of words.slice(1)) b.indices.push(vertex(b, c, pools, lineNumber));
        break;
      }
      case 'o':
      case 'g':
        meshName = args;
        mesh = -1;
        break;
      case 'usemtl':
        material = args || undefined;
        break;
      case 'mtllib':
        mtllibs.push(args);
        break;
    }
  }
  if (pools.v.length === 0) throw unreadable('OBJ without a single vertex ("v x y z" line)');
  if (builders.size === 0) return pointCloud(pools, ctx);
  // corners with different uv or normal indices split a position: the output can outgrow the `v` count
  let vertices = 0;
  for (const b of builders.values()) vertices += b.positions.length / 3;
  checkLimit('OBJ vertices (positions split by uv and normal)', vertices, ctx.limits.maxVertices);

  const warnings: string[] = [];
  const library = loadMaterials(mtllibs, ctx, warnings);
  const materialIndex = new Map<string, number>();
  const materials: MeshMaterial[] = [];
  const textures: MeshTexture[] = [];
  const textureIndex = new Map<string, number>();
  const unknown = new Set<string>();
  const primitives: MeshPrimitive[] = [];
  for (const b of builders.values()) {
    const primitive: MeshPrimitive = {
      mesh: b.mesh,
      mode: b.mode,
      positions: scaledArray(b.positions, ctx.unitScale),
      indices: Uint32Array.from(b.indices),
    };
    if (b.hasUv) primitive.uvs = Float32Array.from(b.uvs);
    if (b.hasNormal) primitive.normals = Float32Array.from(b.normals);
    if (pools.vc.length) primitive.colors = Float32Array.from(b.colors);
    if (b.materialName !== undefined) {
      const entry = library.byName.get(b.materialName);
      if (!entry) unknown.add(b.materialName);
      else {
        if (!materialIndex.has(b.materialName)) {
          materialIndex.set(b.materialName, materials.length);
          materials.push(withTextures(entry, ctx, textures, textureIndex, warnings));
        }
        primitive.material = materialIndex.get(b.materialName);
      }
    }
    primitives.push(primitive);
  }
  // a missing library has its warning already
  if (unknown.size && library.complete) warnings.push(`usemtl names materials no MTL library defines: ${[...unknown].join(', ')}`);
  return {
    format: 'obj',
    unitScale: ctx.unitScale,
    primitives,
    materials,
    textures,
    meshCount: meshNames.length,
    nodeCount: meshNames.length,
    warnings,
  };
}

function scaledArray(values: number[], unitScale: number): Float32Array {
  const array = Float32Array.from(values);
  if (unitScale !== 1) for (let i = 0; i < array.length; i++) array[i] *= unitScale;
  return array;
}

/** MTL libraries by material name, each material remembering its library's directory for its texture paths. */
function loadMaterials(mtllibs: string[], ctx: ReadContext, warnings: string[]) {
  const library = { byName: new Map<string, MtlMaterial & { base: string }>(), complete: true };
  for (const name of mtllibs) {
    const found = ctx.resources.find(name, ctx.base);
    if (!found) {
      library.complete = false;
      warnings.push(`the MTL library "${name}" is not in the asset: its materials are left out (send a .zip bundle with it)`);
      continue;
    }
    const base = found.path ? dirname(found.path) : ctx.base;
    for (const [materialName, entry] of parseMtl(decodeText(found.bytes))) library.byName.set(materialName, { ...entry, base });
  }
  return library;
}

function withTextures(
  entry: MtlMaterial & { base: string },
  ctx: ReadContext,
  textures: MeshTexture[],
  textureIndex: Map<string, number>,
  warnings: string[],
): MeshMaterial {
  const material = structuredClone(entry.material);
  for (const [role, path] of Object.entries(entry.maps) as [TextureRole, string][]) {
    const found = ctx.resources.find(path, entry.base);
    if (!found) {
      warnings.push(`the texture "${path}" of material "${material.name}" is not in the asset`);
      continue;
    }
    const key = found.path ?? path;
    if (!textureIndex.has(key)) {
      textureIndex.set(key, textures.length);
      textures.push(describeTexture(found.bytes, ctx.limits.maxTexturePixels, found.path ?? path, found.mimeType));
    }
    material.textures[role] = { texture: textureIndex.get(key)!, texCoord: 0 };
  }
  return material;
}

/** An OBJ of vertices only (no f, l or p) is a point cloud: every vertex a point. */
function pointCloud(pools: Pools, ctx: ReadContext): MeshAsset {
  const primitive: MeshPrimitive = {
    mesh: 0,
    mode: 'points',
    positions: scaledArray(pools.v, ctx.unitScale),
    indices: sequence(pools.v.length / 3),
  };
  if (pools.vc.length)
    primitive.colors = Float32Array.from({ length: (pools.v.length / 3) * 4 }, (_, i) =>
      i % 4 === 3 ? 1 : (pools.vc[(i >> 2) * 3 + (i % 4)] ?? 1),
    );
  return {
    format: 'obj',
    unitScale: ctx.unitScale,
    primitives: [primitive],
    materials: [],
    textures: [],
    meshCount: 1,
    nodeCount: 1,
    warnings: [],
  };
}
