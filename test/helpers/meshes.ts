import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type { MeshAsset } from '@assay/mesh-io';

/** Debian's assimp-testmodels: real OBJ, PLY, STL and glTF 2.0 models (CI installs them; tests skip without). */
export const MODELS = '/usr/share/assimp/models';
export const HAVE_MODELS = existsSync(MODELS);
if (!HAVE_MODELS) console.warn(`${MODELS} is missing (apt-get install assimp-testmodels): the 3D tests are skipped`);

export const model = (path: string): Uint8Array => new Uint8Array(readFileSync(join(MODELS, path)));

/** A directory of the models (or some of its files) zipped in memory, as a user would bundle it. */
export function zipModels(dir: string, only?: string[], extra: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(join(MODELS, dir))) if (!only || only.includes(name)) files[name] = model(join(dir, name));
  return zipSync({ ...files, ...extra });
}

export const triangleCount = (asset: MeshAsset) =>
  asset.primitives.filter((p) => p.mode === 'triangles').reduce((sum, p) => sum + p.indices.length / 3, 0);
