import { defineMetric } from '../../metric.js';
import { DETECTOR_ID, detectText } from '../../ocr/detect.js';

const MAX_DETAIL_BOXES = 50;

export default defineMetric({
  name: 'text_detection',
  version: '2.0.0',
  modality: 'image',
  description:
    'Text regions found by PaddleOCR PP-OCRv4 detection (DB post-processing with rotated boxes); stray text is a defect in generated product images.',
  scores: [
    { key: 'region_count', description: 'number of text regions', range: [0, null], direction: 'lower' },
    { key: 'area_ratio', description: 'union of the (rotated) text boxes over the image area', range: [0, 1], direction: 'lower' },
  ],
  needs: { models: [DETECTOR_ID] },
  cost: 'model',
  async compute({ image }, ctx) {
    // shared with the `text` metric: the detector runs once per image
    const { detection: det, fresh } = await detectText(image, ctx.models);
    return {
      scores: { region_count: det.boxes.length, area_ratio: det.areaRatio },
      // boxes: { points: 4 integer corners (top-left, top-right, bottom-right, bottom-left), score }
      details: { boxes: det.boxes.slice(0, MAX_DETAIL_BOXES), detectorInput: det.detectorInput },
      model: { id: det.model.id, version: det.model.version, sha256: det.model.sha256, provider: det.model.provider },
      inferenceMs: fresh ? det.inferenceMs : 0,
    };
  },
});
