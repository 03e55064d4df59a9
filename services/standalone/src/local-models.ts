import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@assay/observability';

const NSFW_MANIFEST = 'nsfw-mobilenet-v2.model.yaml';

/**
 * Local mode: on first start the NSFW classifier is converted from the installed nsfwjs package (a
 * development dependency; skipped with a warning where it is not installed) into `ASSAY_DATA_DIR/models`,
 * unless one of the model directories (MODEL_DIR, then that folder, which the worker also reads) has it.
 * MODEL_DIR is never written to: it is the operator's. Nothing is downloaded.
 */
export async function prepareLocalModels(modelDirs: readonly string[], dataDir: string, logger: Logger): Promise<void> {
  if (modelDirs.some((dir) => existsSync(join(dir, NSFW_MANIFEST)))) return;
  const outDir = join(dataDir, 'models');
  try {
    const { convertNsfwjs } = await import('@assay/model-tools');
    const r = convertNsfwjs({ outDir });
    logger.info(
      { model: r.id, dir: outDir, ms: Math.round(r.timings.readMs + r.timings.convertMs + r.timings.writeMs) },
      'converted the nsfwjs classifier to ONNX for the image-safety suite',
    );
  } catch (err) {
    logger.warn(
      { err: (err as Error).message },
      'could not convert nsfwjs (install dev dependencies); the image-safety suite will be unavailable',
    );
  }
}
