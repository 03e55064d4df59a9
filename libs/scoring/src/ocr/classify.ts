/**
 * PaddleOCR's `TextClassifier` (0° / 180° text direction): input 3×48×192, (x/255 − 0.5)/0.5, labels
 * ['0', '180'], a crop is turned when '180' wins with probability > 0.9.
 *
 * One deviation: PaddleOCR squeezes a whole line into the 192 columns, and on long lines (aspect ≫ 4) the
 * classifier then guesses (on opencv-doc's imageTextN.png it turns 1 of 13 upright lines, at 0.94, and
 * reads it as garbage). Here a crop wider than 4:1 is classified on up to 3 windows of aspect 4 spread
 * along it (start, middle, end), each fed unsqueezed, and the class probabilities are averaged. Crops of
 * aspect ≤ 4 are classified exactly as PaddleOCR does.
 */
import type { RunResult } from '@assay/inference';
import type { ModelRunner } from '../metric.js';
import { rotate180, writeNormalized, type RgbImage } from './crop.js';

export const CLASSIFIER_ID = 'ppocr-mobile-v2-cls';
const HEIGHT = 48;
const WIDTH = 192;
const LABELS = ['0', '180'] as const;
/** PaddleOCR turns a crop only when '180' wins with more than this probability */
export const CLS_THRESH = 0.9;
const MAX_WINDOWS = 3;
// every window is padded to 192 columns, so batch composition cannot change results; this only bounds memory
const BATCH = 16;

export interface Direction {
  label: (typeof LABELS)[number];
  score: number;
}

export interface Classified {
  /** the crops, turned 180° where the classifier says so */
  crops: RgbImage[];
  directions: Direction[];
  runs: RunResult[];
}

function columns(img: RgbImage, x0: number, w: number): RgbImage {
  const rgb = new Uint8Array(w * img.height * 3);
  for (let y = 0; y < img.height; y++) rgb.set(img.rgb.subarray((y * img.width + x0) * 3, (y * img.width + x0 + w) * 3), y * w * 3);
  return { width: w, height: img.height, rgb };
}

/** The crop itself when its aspect is ≤ 192/48, else up to 3 windows of that aspect, evenly spread. */
export function classifierWindows(img: RgbImage): RgbImage[] {
  const win = Math.max(1, Math.round((img.height * WIDTH) / HEIGHT));
  if (img.width <= win) return [img];
  const n = Math.min(MAX_WINDOWS, Math.ceil(img.width / win));
  return Array.from({ length: n }, (_, k) => columns(img, Math.round((k * (img.width - win)) / (n - 1)), win));
}

export async function classifyDirections(crops: RgbImage[], models: ModelRunner): Promise<Classified> {
  const windows = crops.flatMap((crop, i) => classifierWindows(crop).map((w) => ({ crop: i, img: w })));
  const sums = crops.map(() => [0, 0]);
  const counts = new Array<number>(crops.length).fill(0);
  const runs: RunResult[] = [];
  for (let start = 0; start < windows.length; start += BATCH) {
    const batch = windows.slice(start, start + BATCH);
    const input = new Float32Array(batch.length * 3 * HEIGHT * WIDTH);
    batch.forEach((w, i) => writeNormalized(input, i, w.img, HEIGHT, WIDTH));
    const res = await models.run(CLASSIFIER_ID, { x: { type: 'float32', data: input, dims: [batch.length, 3, HEIGHT, WIDTH] } });
    runs.push(res);
    const prob = Object.values(res.outputs)[0].data as Float32Array;
    batch.forEach((w, i) => {
      sums[w.crop][0] += prob[2 * i];
      sums[w.crop][1] += prob[2 * i + 1];
      counts[w.crop]++;
    });
  }
  const directions = sums.map(([p0, p180], i): Direction => {
    const k = p180 > p0 ? 1 : 0; // argmax, first wins ties like numpy
    return { label: LABELS[k], score: (k ? p180 : p0) / counts[i] };
  });
  const turned = crops.map((crop, i) => (directions[i].label === '180' && directions[i].score > CLS_THRESH ? rotate180(crop) : crop));
  return { crops: turned, directions, runs };
}
