import { afterAll, describe, expect, it } from 'vitest';
import { evaluate, MetricRegistry, type ModelRunner } from '@assay/scoring';
import { loadParityImage, paritySet, relErr, removeParitySet, runReference } from './parity.js';

afterAll(removeParitySet);

/**
 * Full-reference and formula metrics against scikit-image / OpenCV / numpy on real photographs and their
 * degraded versions (test/parity/reference.py). Tolerances from the image-metrics issue: PSNR and SSIM
 * (and our MS-SSIM) within 1e-4 absolute, the formula metrics within 1e-6 relative.
 */
const FR = ['psnr.psnr', 'ssim.ssim', 'ms_ssim.ms_ssim'];
const FR_ABS = 1e-4;
const FORMULA_REL = 1e-6;

describe('parity with scikit-image, OpenCV and numpy on opencv-doc photographs', () => {
  it('matches every value on all 45 images', async () => {
    const set = await paritySet();
    const reference = await runReference('test/parity/reference.py', set);
    const registry = await MetricRegistry.load();
    const names = ['psnr', 'ssim', 'ms_ssim', 'sharpness', 'colorfulness', 'exposure', 'noise', 'blockiness', 'contrast'];
    const metrics = registry.resolveSuite({
      name: 'parity',
      source: 'test',
      metrics: names.map((metric) => ({ metric, params: {}, thresholds: {} })),
    }).metrics;
    const noModels: ModelRunner = { run: () => Promise.reject(new Error('no models here')) };
    const worst: Record<string, { err: number; file: string }> = {};
    for (const entry of set.images) {
      const image = await loadParityImage(set, entry.file);
      const ref = entry.variant === 'original' ? undefined : await loadParityImage(set, entry.reference);
      const { scores } = await evaluate(metrics, { image, reference: ref, attributes: {} }, { models: noModels, file: (p) => p });
      for (const [key, want] of Object.entries(reference[entry.file])) {
        const got = scores[key];
        expect(got, `${entry.file} ${key}`).toBeTypeOf('number');
        const err = FR.includes(key) ? Math.abs(got - want) : want === 0 ? Math.abs(got) : relErr(got, want);
        if (!worst[key] || err > worst[key].err) worst[key] = { err, file: entry.file };
      }
    }

    console.log(
      Object.entries(worst)
        .map(([k, v]) => `${k}: ${v.err.toExponential(2)} (${v.file})`)
        .join('\n'),
    );
    for (const [key, { err, file }] of Object.entries(worst)) {
      expect(err, `${key} worst on ${file}`).toBeLessThanOrEqual(FR.includes(key) ? FR_ABS : FORMULA_REL);
    }
    expect(Object.keys(worst).sort()).toEqual(
      [
        ...FR,
        'blockiness.ratio',
        'colorfulness.colorfulness',
        'contrast.entropy',
        'contrast.rms',
        'exposure.highlight_clip_ratio',
        'exposure.mean_luma',
        'exposure.shadow_clip_ratio',
        'noise.sigma',
        'sharpness.laplacian_variance',
      ].sort(),
    );
  }, 180_000);
});
