/**
 * One 3D asset as every reader returns it, whatever the file format: indexed primitives in world space and in
 * metres, the materials and the encoded textures they use, and what the reading noticed. Typed arrays only, so
 * it crosses a worker thread's boundary without copying (transfer lists) and without classes.
 */
export type MeshFormat = 'glb' | 'gltf' | 'obj' | 'ply' | 'stl';

export const MESH_FORMATS: readonly MeshFormat[] = ['glb', 'gltf', 'obj', 'ply', 'stl'];

/** What a texture is used for by some material (glTF's names; OBJ's map_Kd is baseColor, map_Bump/norm normal). */
export type TextureRole = 'baseColor' | 'normal' | 'metallicRoughness' | 'occlusion' | 'emissive';

export const TEXTURE_ROLES: readonly TextureRole[] = ['baseColor', 'normal', 'metallicRoughness', 'occlusion', 'emissive'];

export type PrimitiveMode = 'triangles' | 'lines' | 'points';

export interface MeshPrimitive {
  /** index of the source mesh (glTF mesh, OBJ object/group, the whole file for PLY and STL) */
  mesh: number;
  mode: PrimitiveMode;
  /** xyz per vertex, world space (node transforms applied), in metres (the unit scale applied) */
  positions: Float32Array;
  /**
   * into `positions`: 3 per triangle (strips and fans are expanded), 2 per line, 1 per point. Always present:
   * an unindexed source gets 0..n-1. Every index is < vertex count (readers check; out of range is unreadable).
   */
  indices: Uint32Array;
  /** xyz per vertex as stored (world rotation applied, not renormalised) */
  normals?: Float32Array;
  /** uv per vertex (TEXCOORD_0 / vt / PLY s,t) in glTF's convention, v pointing down: OBJ and PLY store v up, readers flip them */
  uvs?: Float32Array;
  /** rgba per vertex in [0, 1] (PLY vertex colours, glTF COLOR_0) */
  colors?: Float32Array;
  /** index into `MeshAsset.materials` */
  material?: number;
}

export interface TextureSlot {
  /** index into `MeshAsset.textures` */
  texture: number;
  /** which uv set samples it (only TEXCOORD_0 is read; another set is reported by the validator and analysis) */
  texCoord: number;
}

export interface MeshMaterial {
  name?: string;
  /** linear RGBA */
  baseColorFactor: [number, number, number, number];
  metallicFactor: number;
  roughnessFactor: number;
  emissiveFactor: [number, number, number];
  textures: Partial<Record<TextureRole, TextureSlot>>;
  alphaMode: 'OPAQUE' | 'MASK' | 'BLEND';
  doubleSided: boolean;
  /** KHR_materials_unlit */
  unlit: boolean;
}

export interface MeshTexture {
  name?: string;
  /** image/png, image/jpeg, image/webp, image/ktx2 … as declared or sniffed */
  mimeType: string;
  /** 0 when the image could not be read (`problem` says why) */
  width: number;
  height: number;
  /** the encoded image as stored in the asset */
  bytes: Uint8Array;
  /** why the image could not be read (the asset is still analysed; texture metrics report it) */
  problem?: string;
}

/** The Khronos glTF-Validator's report, summarised (glTF and GLB only). */
export interface GltfValidation {
  validatorVersion: string;
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
  /** issue code → severity and how often (e.g. ACCESSOR_INDEX_OOB) */
  byCode: Record<string, { severity: 'error' | 'warning' | 'info' | 'hint'; count: number }>;
  /** the validator stopped at its issue limit */
  truncated: boolean;
}

export interface MeshAsset {
  format: MeshFormat;
  /** metres per source unit: 1 for glTF; the caller's `unitScale` for OBJ, PLY and STL */
  unitScale: number;
  primitives: MeshPrimitive[];
  materials: MeshMaterial[];
  textures: MeshTexture[];
  /** meshes in the source (OBJ objects/groups; 1 for PLY and STL) and nodes that instance them (glTF) */
  meshCount: number;
  nodeCount: number;
  /** present for glTF and GLB */
  validation?: GltfValidation;
  /** things the reading noticed that do not stop the analysis (e.g. "2 texture references without an image") */
  warnings: string[];
}
