import { AssayError } from '@assay/contracts';
import type { MeshAsset } from '@assay/mesh-io';

/** Debian's assimp-testmodels, shared by every 3D test (CI installs them; the tests skip with a warning without). */
export { HAVE_MODELS, MODELS, model, triangleCount, zipModels } from '../../../test/helpers/meshes.js';

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<AssayError> {
  try {
    await promise;
  } catch (err) {
    return err as AssayError;
  }
  throw new Error('expected a rejection');
}

export const vertexCount = (asset: MeshAsset) => asset.primitives.reduce((sum, p) => sum + p.positions.length / 3, 0);

/** [min xyz, max xyz] over every primitive's positions */
export function bounds(asset: MeshAsset): [number[], number[]] {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (const p of asset.primitives)
    for (let i = 0; i < p.positions.length; i++) {
      min[i % 3] = Math.min(min[i % 3], p.positions[i]);
      max[i % 3] = Math.max(max[i % 3], p.positions[i]);
    }
  return [min, max];
}

/** Every index of every primitive is below its vertex count (the contract every reader keeps). */
export function indicesInRange(asset: MeshAsset): boolean {
  return asset.primitives.every((p) => p.indices.every((i) => i < p.positions.length / 3));
}

export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
export const utf8 = (value: string) => new TextEncoder().encode(value);
