import { resizeRgb } from '@assay/media';
import { defineMetric } from '../../metric.js';
import { dbPostprocess, detectionInputSize } from '../../ocr/db-postprocess.js';

const MODEL_ID = 'ppocr-v4-det';
// PaddleOCR normalizes the image in the channel order OpenCV reads it in (BGR) with these ImageNet constants.
const MEAN_BGR = [0.485, 0.456, 0.406];
const STD_BGR = [0.229, 0.224, 0.225];
const MAX_DETAIL_BOXES = 50;

export default defineMetric({
  name: 'text_detection',
  version: '1.0.0',
  modality: 'image',
  description: 'Text regions found by PaddleOCR PP-OCRv4 detection (DB post-processing); stray text is a defect in generated product images.',
  scores: [
    { key: 'region_count', description: 'number of text regions', range: [0, null], direction: 'lower' },
    { key: 'area_ratio', description: 'union of text boxes over the image area', range: [0, 1], direction: 'lower' },
  ],
  needs: { models: [MODEL_ID] },
  cost: 'model',
  async compute({ image }, ctx) {
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
    const res = await ctx.models.run(MODEL_ID, { x: { type: 'float32', data: input, dims: [1, 3, size.height, size.width] } });
    const prob = Object.values(res.outputs)[0];
    const { boxes, areaRatio } = dbPostprocess(prob.data as Float32Array, size.width, size.height, image.width, image.height);
    return {
      scores: { region_count: boxes.length, area_ratio: areaRatio },
      details: { boxes: boxes.slice(0, MAX_DETAIL_BOXES), detectorInput: [size.width, size.height] },
      model: { id: res.model.id, version: res.model.version, sha256: res.model.sha256, provider: res.model.provider },
      inferenceMs: res.inferenceMs,
    };
  },
});
