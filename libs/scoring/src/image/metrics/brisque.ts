import { defineMetric, MetricNotApplicable } from '../../metric.js';
import { brisqueFeatures, brisqueScore } from '../nriqa/brisque-core.js';
import { loadBrisqueModel } from '../nriqa/brisque-model.js';
import { lumaOf } from '../pixels.js';

const MODEL = 'brisque/brisque_model_live.yml';
const RANGE = 'brisque/brisque_range_live.yml';

/**
 * BRISQUE (Mittal, Moorthy & Bovik, 2012) exactly as OpenCV contrib's `QualityBRISQUE` computes it, with its
 * LIVE-trained SVR: 0 (best) … 100 (worst). See nriqa/brisque-core.ts.
 */
export default defineMetric({
  name: 'brisque',
  version: '1.0.0',
  modality: 'image',
  description: 'BRISQUE no-reference quality (OpenCV contrib QualityBRISQUE, LIVE model); lower is better.',
  scores: [{ key: 'score', description: 'BRISQUE score, clamped to [0, 100] as OpenCV does', range: [0, 100], direction: 'lower' }],
  needs: { files: [MODEL, RANGE] },
  cost: 'cpu',
  compute({ image }, ctx) {
    const { width: w, height: h } = image;
    // OpenCV cannot resize a 1-pixel side to half
    if (w < 2 || h < 2)
      throw new MetricNotApplicable(`BRISQUE needs at least 2×2 pixels (it also scores the image at half size); the image is ${w}×${h}`);
    const model = loadBrisqueModel(ctx.file(MODEL), ctx.file(RANGE));
    const features = brisqueFeatures(lumaOf(image), w, h);
    const scales = [features.subarray(0, 18), features.subarray(18)].map((part) => part.some((x) => !Number.isFinite(x)));
    if (scales[0] || scales[1]) {
      // OpenCV lets the NaN through its SVR and reports a meaningless 100
      const where = [scales[0] && 'full size', scales[1] && `half size (${Math.trunc(w / 2)}×${Math.trunc(h / 2)})`]
        .filter(Boolean)
        .join(' and ');
      throw new MetricNotApplicable(
        `BRISQUE is undefined for this image: MSCN statistics at ${where} have no values on one side of zero (flat or too small)`,
      );
    }
    return { scores: { score: brisqueScore(features, model) } };
  },
});
