/**
 * PaddleOCR's `TextSystem` on one image: detect (shared, once per image), crop each box with
 * `get_rotate_crop_image`, fix upside-down crops with the direction classifier, recognize. Classifier and
 * recognizer run only when there are crops.
 */
import type { LoadedModel } from '@assay/inference';
import type { DecodedImage } from '@assay/media';
import type { MetricContext } from '../metric.js';
import { classifyDirections, type Direction } from './classify.js';
import { cropQuad, type RgbImage } from './crop.js';
import { loadCharacters } from './ctc.js';
import type { TextBox } from './db-postprocess.js';
import { detectText, type TextDetection } from './detect.js';
import { polygonAreaPerimeter } from './geometry.js';
import { recognizeCrops } from './recognize.js';

export const DICTIONARY_FILE = 'ppocr_keys_v1.txt';

export interface ReadRegion {
  box: TextBox;
  text: string;
  confidence: number;
  direction: Direction;
}

export interface ReadResult {
  detection: TextDetection;
  /** recognized regions (at most `maxCrops`, the largest boxes), in detector order */
  regions: ReadRegion[];
  /** detected boxes not recognized: beyond `maxCrops` (or, never in practice, empty crops) */
  skipped: number;
  models: { detector: LoadedModel; classifier?: LoadedModel; recognizer?: LoadedModel };
  /** inference time spent by this call (the detector's counts only if this call ran it) */
  inferenceMs: number;
}

export async function readText(
  image: Pick<DecodedImage, 'width' | 'height' | 'rgb'>,
  ctx: MetricContext,
  maxCrops: number,
): Promise<ReadResult> {
  const { detection, fresh } = await detectText(image, ctx.models);
  // over the cap, keep the largest boxes: they are the most legible and cover the most area
  let boxes = detection.boxes;
  if (boxes.length > maxCrops) {
    const area = (b: TextBox) => polygonAreaPerimeter(b.points).area;
    const largest = new Set([...boxes].sort((a, b) => area(b) - area(a)).slice(0, maxCrops));
    boxes = boxes.filter((b) => largest.has(b));
  }
  const kept: { box: TextBox; crop: RgbImage }[] = [];
  for (const box of boxes) {
    const crop = cropQuad(image, box.points);
    if (crop) kept.push({ box, crop });
  }
  const result: ReadResult = {
    detection,
    regions: [],
    skipped: detection.boxes.length - kept.length,
    models: { detector: detection.model },
    inferenceMs: fresh ? detection.inferenceMs : 0,
  };
  if (!kept.length) return result;

  const chars = loadCharacters(ctx.file(DICTIONARY_FILE));
  const cls = await classifyDirections(
    kept.map((k) => k.crop),
    ctx.models,
  );
  const rec = await recognizeCrops(cls.crops, ctx.models, chars);
  result.regions = kept.map((k, i) => ({
    box: k.box,
    text: rec.texts[i].text,
    confidence: rec.texts[i].confidence,
    direction: cls.directions[i],
  }));
  result.models.classifier = cls.runs[0].model;
  result.models.recognizer = rec.runs[0].model;
  result.inferenceMs += [...cls.runs, ...rec.runs].reduce((s, r) => s + r.inferenceMs, 0);
  return result;
}
