import { defineMetric, MetricNotApplicable, requireReference } from '../../metric.js';
import { rgbPlanes, ssimParts, WINDOW } from '../fr/ssim-core.js';

export default defineMetric({
  name: 'ssim',
  version: '1.0.0',
  modality: 'image',
  description:
    'SSIM (Wang et al. 2004) against the reference: Gaussian window σ 1.5, K1 0.01, K2 0.03, data range 255, ' +
    'computed per RGB channel and averaged; matches scikit-image structural_similarity(gaussian_weights=True, ' +
    'sigma=1.5, use_sample_covariance=False, data_range=255, channel_axis=-1).',
  scores: [{ key: 'ssim', description: 'mean SSIM over the three channels', range: [-1, 1], direction: 'higher' }],
  needs: { reference: true },
  cost: 'cpu',
  compute(input) {
    const ref = requireReference(input);
    const { width, height } = input.image;
    if (width < WINDOW || height < WINDOW) throw new MetricNotApplicable(`SSIM needs at least ${WINDOW}×${WINDOW} pixels`);
    const a = rgbPlanes(input.image.rgb, width * height);
    const b = rgbPlanes(ref.rgb, width * height);
    let sum = 0;
    for (let c = 0; c < 3; c++) sum += ssimParts(a[c], b[c], width, height).ssim;
    return { scores: { ssim: sum / 3 } };
  },
});
