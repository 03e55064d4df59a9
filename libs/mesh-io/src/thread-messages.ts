import type { MeshAsset } from './mesh-asset.js';
import type { ReadMeshOptions } from './parse-mesh.js';

export interface ThreadInput {
  bytes: Uint8Array;
  options: Omit<ReadMeshOptions, 'signal'>;
}

export type ThreadOutput = { ok: true; asset: MeshAsset } | { ok: false; error: { message: string; stack?: string; code?: string } };
