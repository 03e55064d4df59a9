import { z } from 'zod';
import type { LoadedModel } from '@assay/inference';
import { defineMetric } from '../../metric.js';
import { CLASSIFIER_ID, CLS_THRESH } from '../../ocr/classify.js';
import { DETECTOR_ID } from '../../ocr/detect.js';
import { expectedText } from '../../ocr/expected-text.js';
import { quadUnionArea, readingOrder } from '../../ocr/layout.js';
import { DICTIONARY_FILE, readText, type ReadRegion } from '../../ocr/read-text.js';
import { RECOGNIZER_ID } from '../../ocr/recognize.js';
import { characterErrorRate, normalizeText, substringDistance } from '../../ocr/text-compare.js';

const Params = z
  .object({
    /** a region counts as text when the recognizer's mean character probability reaches this (PaddleOCR's drop_score) */
    minConfidence: z.number().min(0).max(1).default(0.5),
    /** regions recognized per image (the largest boxes); the rest are reported as skipped, not counted */
    maxCrops: z.number().int().min(1).max(500).default(50),
  })
  .strict();

const MAX_DETAIL_TEXTS = 50;
// a region is part of the expected text when at most a third of its characters must change to find it there
const EXPECTED_TOLERANCE = 1 / 3;

const squash = (s: string) => normalizeText(s).replace(/ /g, '');

/** Recognition may drop or add spaces: compare without them. */
function isExpected(text: string, expected: string): boolean {
  const t = squash(text);
  return substringDistance(t, squash(expected)) <= EXPECTED_TOLERANCE * [...t].length;
}

const provenance = (m: LoadedModel | undefined) => m && { id: m.id, version: m.version, sha256: m.sha256 };

export default defineMetric({
  name: 'text',
  version: '2.0.0',
  modality: 'image',
  description:
    'Text read with PaddleOCR PP-OCRv4 (detection, 0°/180° direction classification, recognition), checked against ' +
    'the prompt: stray text when the prompt asks for none, character error rate and exact match against the quoted ' +
    'strings (or the expectedText attribute) when it asks for text.',
  scores: [
    {
      key: 'region_count',
      description: 'regions read as text (recognition confidence ≥ minConfidence)',
      range: [0, null],
      direction: 'none',
    },
    { key: 'text_area_ratio', description: 'union of the text regions over the image area', range: [0, 1], direction: 'none' },
    { key: 'unexpected_text', description: '1 when text was read but the prompt asks for none, else 0', range: [0, 1], direction: 'lower' },
    {
      key: 'unexpected_area_ratio',
      description:
        'union of the text regions that are not part of the expected text (all of them when none is expected) over the image area',
      range: [0, 1],
      direction: 'lower',
    },
    {
      key: 'cer',
      description:
        'character error rate of the text read (reading order) against the expected text, after normalization; only when text is expected',
      range: [0, null],
      direction: 'lower',
    },
    {
      key: 'exact_match',
      description: '1 when the normalized text read equals the normalized expected text; only when text is expected',
      range: [0, 1],
      direction: 'higher',
    },
  ],
  params: Params,
  needs: { models: [DETECTOR_ID, CLASSIFIER_ID, RECOGNIZER_ID], files: [DICTIONARY_FILE] },
  cost: 'model',
  async compute({ image, prompt, attributes }, ctx, p) {
    const read = await readText(image, ctx, p.maxCrops);
    const text = read.regions.filter((r) => r.confidence >= p.minConfidence && normalizeText(r.text) !== '');
    const ordered: ReadRegion[] = readingOrder(text.map((r) => r.box.points)).flatMap((line) => line.map((i) => text[i]));
    const readString = ordered.map((r) => r.text).join(' ');
    const expected = expectedText(prompt, attributes);
    const area = image.width * image.height;
    const ratioOf = (regions: ReadRegion[]) =>
      quadUnionArea(
        regions.map((r) => r.box.points),
        image.width,
        image.height,
      ) / area;
    const unexpected = expected === null ? ordered : ordered.filter((r) => !isExpected(r.text, expected));

    const scores: Record<string, number> = {
      region_count: ordered.length,
      text_area_ratio: ratioOf(ordered),
      unexpected_text: expected === null && ordered.length > 0 ? 1 : 0,
      unexpected_area_ratio: ratioOf(unexpected),
    };
    if (expected !== null) {
      scores.cer = characterErrorRate(readString, expected);
      scores.exact_match = normalizeText(readString) === normalizeText(expected) ? 1 : 0;
    }
    const det = read.models.detector;
    return {
      scores,
      details: {
        text: readString,
        expectedText: expected,
        texts: ordered.slice(0, MAX_DETAIL_TEXTS).map((r) => ({
          text: r.text,
          confidence: Math.round(r.confidence * 1e4) / 1e4,
          box: r.box.points,
          ...(r.direction.label === '180' && r.direction.score > CLS_THRESH ? { rotated180: true } : {}),
        })),
        detectedRegions: read.detection.boxes.length,
        lowConfidenceRegions: read.regions.length - text.length,
        skippedRegions: read.skipped,
        // id only for a model that did not run (no region to read)
        models: {
          detector: provenance(det),
          classifier: provenance(read.models.classifier) ?? { id: CLASSIFIER_ID },
          recognizer: provenance(read.models.recognizer) ?? { id: RECOGNIZER_ID },
        },
      },
      model: { id: det.id, version: det.version, sha256: det.sha256, provider: det.provider },
      inferenceMs: read.inferenceMs,
    };
  },
});
