import type { LoadedModel } from '@assay/inference';
import { resizeRgb, type DecodedImage } from '@assay/media';
import type { ModelRunner } from '../metric.js';
import { dbPostprocess, detectionInputSize, type TextBox } from './db-postprocess.js';

export const DETECTOR_ID = 'ppocr-v4-det';
// PaddleOCR normalizes the image in the channel order OpenCV reads it in (BGR) with these ImageNet constants.
const MEAN_BGR = [0.485, 0.456, 0.406];
const STD_BGR = [0.229, 0.224, 0.225];

export interface TextDetection {
  /** rotated boxes (quadrilaterals, integer image pixels), in the detector's scan order */
  boxes: TextBox[];
  /** union of the boxes over the image area (pixel centres inside any box) */
  areaRatio: number;
  detectorInput: [number, number];
  model: LoadedModel;
  /** inference time of the one detector run */
  inferenceMs: number;
}

type Image = Pick<DecodedImage, 'width' | 'height' | 'rgb'>;

// One detection per decoded image, shared by every metric of a suite that needs it (text_detection, text).
// Keyed by the pixel buffer, so it lives exactly as long as the decoded image.
const cache = new WeakMap<Uint8Array, Promise<TextDetection>>();

async function runDetector(image: Image, models: ModelRunner): Promise<TextDetection> {
  const size = detectionInputSize(image.width, image.height);
  const resized = await resizeRgb(image, size.width, size.height);
  const plane = size.width * size.height;
  const input = new Float32Array(3 * plane);
  for (let i = 0, j = 0; i < plane; i++, j += 3) {
    for (let c = 0; c < 3; c++) {
      const v = resized[j + 2 - c] / 255; // BGR
      input[c * plane + i] = (v - MEAN_BGR[c]) / STD_BGR[c];
    }
  }
  const res = await models.run(DETECTOR_ID, { x: { type: 'float32', data: input, dims: [1, 3, size.height, size.width] } });
  const prob = Object.values(res.outputs)[0];
  const { boxes, areaRatio } = dbPostprocess(prob.data as Float32Array, size.width, size.height, image.width, image.height);
  return { boxes, areaRatio, detectorInput: [size.width, size.height], model: res.model, inferenceMs: res.inferenceMs };
}

/**
 * PP-OCRv4 text detection of an image, run at most once per image. `fresh` is true for the caller whose call
 * ran the model (so inference time is counted once per image).
 */
export async function detectText(image: Image, models: ModelRunner): Promise<{ detection: TextDetection; fresh: boolean }> {
  const cached = cache.get(image.rgb);
  if (cached) return { detection: await cached, fresh: false };
  const pending = runDetector(image, models);
  cache.set(image.rgb, pending);
  // a failed run is not remembered: a later metric (or retry) runs it again
  pending.catch(() => cache.delete(image.rgb));
  return { detection: await pending, fresh: true };
}
