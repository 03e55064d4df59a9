import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { AssayError } from '@assay/contracts';
import type { MeshAsset } from '@assay/mesh-io';

/** Debian's assimp-testmodels (CI installs them); the tests skip with a warning where they are missing. */
export const MODELS = '/usr/share/assimp/models';
export const HAVE_MODELS = existsSync(MODELS);
if (!HAVE_MODELS) console.warn(`${MODELS} is missing (apt-get install assimp-testmodels): the mesh-io reader tests are skipped`);

export const model = (path: string): Uint8Array => new Uint8Array(readFileSync(join(MODELS, path)));

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<AssayError> {
  try {
    await promise;
  } catch (err) {
    return err as AssayError;
  }
  throw new Error('expected a rejection');
}

export const triangleCount = (asset: MeshAsset) =>
  asset.primitives.filter((p) => p.mode === 'triangles').reduce((sum, p) => sum + p.indices.length / 3, 0);
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

/** A directory of the models (or some of its files) zipped in memory, as a user would bundle it. */
export function zipModels(dir: string, only?: string[], extra: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(join(MODELS, dir))) if (!only || only.includes(name)) files[name] = model(join(dir, name));
  return zipSync({ ...files, ...extra });
}

export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
export const utf8 = (value: string) => new TextEncoder().encode(value);
