import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelSpec } from '@assay/inference';
import { BUILTIN_MANIFEST_DIR, MANIFEST_SUFFIX, modelFilePath, parseManifest } from './manifest-files.js';

function manifestFiles(dir: string): string[] {
  let out: string[] = [];
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) out = out.concat(manifestFiles(p));
      else if (e.name.endsWith(MANIFEST_SUFFIX)) out.push(p);
    }
  } catch {
    // no such folder
  }
  return out;
}

/**
 * The file of model `id` from its manifest (the model directories' in order, else the built-in one), without
 * loading it: for tools, tests and benchmarks that drive an InferenceHost directly. Services use ModelRegistry.
 */
export function resolveModel(id: string, modelDirs: readonly string[] = []): ModelSpec {
  const dirs = [...modelDirs, BUILTIN_MANIFEST_DIR];
  for (const dir of dirs) {
    for (const file of manifestFiles(dir)) {
      const entry = parseManifest(readFileSync(file, 'utf8'), file, dirname(file));
      if ('manifest' in entry && entry.manifest.id === id)
        return { id, version: entry.manifest.version, path: modelFilePath(entry, modelDirs) };
    }
  }
  throw new Error(`unknown model ${id}: no manifest in ${dirs.join(', ')}`);
}
