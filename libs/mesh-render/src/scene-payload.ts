import type { MeshAsset, MeshMaterial, PrimitiveMode, TextureRole } from '@assay/mesh-io';
import type { Turntable } from './turntable.js';

/** Where one typed array sits in the geometry buffer: offset in bytes, length in elements. */
export interface BufferSlice {
  offset: number;
  length: number;
}

export interface PrimitivePayload {
  mode: PrimitiveMode;
  positions: BufferSlice;
  indices: BufferSlice;
  normals?: BufferSlice;
  uvs?: BufferSlice;
  colors?: BufferSlice;
  material?: number;
}

export interface MaterialPayload extends Omit<MeshMaterial, 'textures' | 'name'> {
  /** texture index per role, only for textures the page can fetch (readable, TEXCOORD_0) */
  maps: Partial<Record<TextureRole, number>>;
}

/** What the page script is told; it is JSON, the bulk comes through the page's routes. */
export interface ScenePayload {
  size: number;
  background: string;
  camera: Turntable;
  primitives: PrimitivePayload[];
  materials: MaterialPayload[];
  /** texture indices the page fetches from /textures/<index> */
  textures: number[];
}

export interface PackedScene {
  payload: ScenePayload;
  /** every primitive's arrays back to back, 4-byte aligned, served as /geometry */
  geometry: Buffer;
}

/**
 * Packs the asset's arrays into one buffer the page fetches once (a route round trip per array would cost more
 * than the copy for assets of many primitives) and describes the rest as JSON.
 */
export function packScene(asset: MeshAsset, camera: Turntable, size: number, background: string): PackedScene {
  const arrays: (Float32Array | Uint32Array)[] = [];
  let offset = 0;
  const slice = (array: Float32Array | Uint32Array | undefined): BufferSlice | undefined => {
    if (!array) return undefined;
    const at = { offset, length: array.length };
    arrays.push(array);
    offset += array.byteLength; // 4-byte elements keep every slice aligned
    return at;
  };
  const primitives = asset.primitives.map((p) => ({
    mode: p.mode,
    positions: slice(p.positions)!,
    indices: slice(p.indices)!,
    normals: p.mode === 'triangles' ? slice(p.normals) : undefined,
    uvs: slice(p.uvs),
    colors: slice(p.colors),
    material: p.material,
  }));
  const geometry = Buffer.concat(arrays.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)));

  const drawable = (index: number) => {
    const texture = asset.textures[index];
    return texture !== undefined && !texture.problem && texture.bytes.length > 0;
  };
  const used = new Set<number>();
  const materials = asset.materials.map(({ textures, name: _name, ...factors }) => {
    const maps: MaterialPayload['maps'] = {};
    for (const [role, slot] of Object.entries(textures) as [TextureRole, { texture: number; texCoord: number }][]) {
      // only TEXCOORD_0 reaches the asset; a map on another set would be sampled with the wrong coordinates
      if (slot.texCoord !== 0 || !drawable(slot.texture)) continue;
      maps[role] = slot.texture;
      used.add(slot.texture);
    }
    return { ...factors, maps };
  });
  return { payload: { size, background, camera, primitives, materials, textures: [...used].sort((a, b) => a - b) }, geometry };
}
