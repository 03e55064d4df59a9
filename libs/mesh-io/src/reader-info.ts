import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** An installed package's version, from the package.json above its entry (these packages do not export it). */
function versionOf(name: string): string {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
    if (pkg.name === name) return pkg.version;
  }
  return 'unknown';
}

/** What reads 3D assets, for a result's provenance. */
export const MESH_READER =
  `@assay/mesh-io (gltf-transform ${versionOf('@gltf-transform/core')}, gltf-validator ${versionOf('gltf-validator')}, ` +
  `fflate ${versionOf('fflate')})`;
