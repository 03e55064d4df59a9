import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@assay/observability';

const NSFW_MANIFEST = 'nsfw-mobilenet-v2.model.yaml';

/**
 * Local mode: the model folder is `ASSAY_DATA_DIR/models` unless MODEL_DIR says otherwise, and on first
 * start the NSFW classifier is converted there from the installed nsfwjs package (a development
 * dependency; skipped with a warning where it is not installed). Nothing is downloaded.
 */
export async function prepareLocalModels(dataDir: string, modelDir: string | undefined, logger: Logger): Promise<string> {
  const dir = modelDir ?? join(dataDir, 'models');
  if (modelDir || existsSync(join(dir, NSFW_MANIFEST))) return dir;
  try {
    const { convertNsfwjs } = await import('@assay/model-tools');
    const r = convertNsfwjs({ outDir: dir });
    logger.info(
      { model: r.id, dir, ms: Math.round(r.timings.readMs + r.timings.convertMs + r.timings.writeMs) },
      'converted the nsfwjs classifier to ONNX for the image-safety suite',
    );
  } catch (err) {
    logger.warn(
      { err: (err as Error).message },
      'could not convert nsfwjs (install dev dependencies); the image-safety suite will be unavailable',
    );
  }
  return dir;
}
