import { defineMetric, MetricNotApplicable, requireReference } from '../../metric.js';
import { downsample2, rgbPlanes, ssimParts, WINDOW } from '../fr/ssim-core.js';

/** Wang, Simoncelli & Bovik (2003), the five standard scale weights. */
export const MS_SSIM_WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];
const MIN_SIDE = WINDOW * 2 ** (MS_SSIM_WEIGHTS.length - 1); // 176: the coarsest scale still fits a window

/** MS-SSIM of one channel: ∏ cs_j^w_j over scales 1–4 × ssim_5^w_5, negative terms clamped to 0. */
function msssimPlane(a: Float64Array, b: Float64Array, width: number, height: number): number {
  let result = 1;
  for (let j = 0; j < MS_SSIM_WEIGHTS.length; j++) {
    const { ssim, cs } = ssimParts(a, b, width, height);
    const last = j === MS_SSIM_WEIGHTS.length - 1;
    result *= Math.max(0, last ? ssim : cs) ** MS_SSIM_WEIGHTS[j];
    if (!last) {
      const da = downsample2(a, width, height);
      b = downsample2(b, width, height).plane;
      a = da.plane;
      width = da.width;
      height = da.height;
    }
  }
  return result;
}

export default defineMetric({
  name: 'ms_ssim',
  version: '1.0.0',
  modality: 'image',
  description:
    'Multi-scale SSIM (Wang et al. 2003): 5 scales with weights 0.0448, 0.2856, 0.3001, 0.2363, 0.1333, the SSIM ' +
    'window of `ssim` at every scale, 2×2 average pooling between scales, negative terms clamped to 0; per RGB ' +
    'channel, averaged.',
  scores: [{ key: 'ms_ssim', description: 'mean MS-SSIM over the three channels', range: [0, 1], direction: 'higher' }],
  needs: { reference: true },
  cost: 'cpu',
  compute(input) {
    const ref = requireReference(input);
    const { width, height } = input.image;
    if (width < MIN_SIDE || height < MIN_SIDE)
      throw new MetricNotApplicable(`MS-SSIM needs at least ${MIN_SIDE}×${MIN_SIDE} pixels (5 scales of an ${WINDOW}-pixel window)`);
    const a = rgbPlanes(input.image.rgb, width * height);
    const b = rgbPlanes(ref.rgb, width * height);
    let sum = 0;
    for (let c = 0; c < 3; c++) sum += msssimPlane(a[c], b[c], width, height);
    return { scores: { ms_ssim: sum / 3 } };
  },
});
