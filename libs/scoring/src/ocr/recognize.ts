/** PaddleOCR's `TextRecognizer` for PP-OCRv4 (SVTR-LCNet, `rec_image_shape` 3×48×320, `rec_batch_num` 6). */
import type { RunResult } from '@assay/inference';
import type { ModelRunner } from '../metric.js';
import { writeNormalized, type RgbImage } from './crop.js';
import { ctcGreedyDecode, type Decoded } from './ctc.js';

export const RECOGNIZER_ID = 'ppocr-v4-rec';
const HEIGHT = 48;
const MIN_WIDTH = 320;
const BATCH = 6;
// PaddleOCR has no cap; a 4000×40 banner would need a 4800-wide slot (and a 600×6625 output per crop).
// Wider crops are squeezed into this many columns (ratio 53).
export const MAX_WIDTH = 2560;

export interface Recognized {
  texts: Decoded[];
  runs: RunResult[];
}

/**
 * Crops sorted by aspect ratio are batched in sixes (bucketing by width, so little padding): each batch is
 * as wide as its widest crop at height 48, and never narrower than 320, as in PaddleOCR.
 */
export async function recognizeCrops(crops: RgbImage[], models: ModelRunner, chars: string[]): Promise<Recognized> {
  const ratio = crops.map((c) => c.width / c.height);
  const order = crops.map((_, i) => i).sort((a, b) => ratio[a] - ratio[b]);
  const texts = new Array<Decoded>(crops.length);
  const runs: RunResult[] = [];
  for (let start = 0; start < order.length; start += BATCH) {
    const batch = order.slice(start, start + BATCH);
    const maxRatio = Math.max(MIN_WIDTH / HEIGHT, ...batch.map((i) => ratio[i]));
    const width = Math.min(MAX_WIDTH, Math.trunc(HEIGHT * maxRatio));
    const input = new Float32Array(batch.length * 3 * HEIGHT * width);
    batch.forEach((ci, i) => writeNormalized(input, i, crops[ci], HEIGHT, width));
    const res = await models.run(RECOGNIZER_ID, { x: { type: 'float32', data: input, dims: [batch.length, 3, HEIGHT, width] } });
    runs.push(res);
    const out = Object.values(res.outputs)[0];
    const [, steps, classes] = out.dims;
    if (classes !== chars.length)
      throw new Error(`${RECOGNIZER_ID} predicts ${classes} classes, the dictionary has ${chars.length} (with blank and space)`);
    batch.forEach((ci, i) => (texts[ci] = ctcGreedyDecode(out.data as Float32Array, i, steps, classes, chars)));
  }
  return { texts, runs };
}
