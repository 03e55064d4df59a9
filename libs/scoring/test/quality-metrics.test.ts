import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { decodeImage, type DecodedImage } from '@assay/media';
import { evaluate, MetricRegistry, type ModelRunner } from '@assay/scoring';
import { rawOf, texturedRgb } from '../../../test/helpers/images.js';

const limits = { maxBytes: 1e8, maxPixels: 1e8 };
const ctx = { models: { run: () => Promise.reject(new Error('no models')) } as ModelRunner, file: (p: string) => p };
const CPU_METRICS = [
  'psnr',
  'ssim',
  'ms_ssim',
  'noise',
  'blockiness',
  'contrast',
  'product_photo',
  'sharpness',
  'exposure',
  'colorfulness',
  'resolution',
];

async function run(names: string[], image: DecodedImage, reference?: DecodedImage, params: Record<string, Record<string, unknown>> = {}) {
  const registry = await MetricRegistry.load();
  const metrics = registry.resolveSuite({
    name: 't',
    source: 'test',
    metrics: names.map((metric) => ({ metric, params: params[metric] ?? {}, thresholds: {} })),
  }).metrics;
  return evaluate(metrics, { image, reference, attributes: {} }, ctx);
}
const decode = async (img: sharp.Sharp) => decodeImage(await img.png().toBuffer(), limits);

describe('full-reference metrics', () => {
  it('identical images: SSIM and MS-SSIM 1, MSE 0, PSNR at its cap', async () => {
    const img = await decode(sharp(texturedRgb(200, 180, 3), rawOf(200, 180)));
    const { scores, censored } = await run(['psnr', 'ssim', 'ms_ssim'], img, img);
    expect(scores).toEqual({ 'psnr.psnr': 100, 'psnr.mse': 0, 'ssim.ssim': 1, 'ms_ssim.ms_ssim': 1 });
    // infinite PSNR reported at the cap: flagged, so run means leave it out (SSIM 1 is a real value)
    expect(censored).toEqual({ 'psnr.psnr': 'above' });
  });

  it('no reference, or one of another size: not applicable with a reason, never a silent resize', async () => {
    const img = await decode(sharp(texturedRgb(200, 180, 3), rawOf(200, 180)));
    const other = await decode(sharp(texturedRgb(180, 200, 3), rawOf(180, 200)));
    const none = await run(['psnr', 'ssim'], img);
    expect(none.outcomes.map((o) => [o.status, o.reason?.code])).toEqual([
      ['not_applicable', 'metric_not_applicable'],
      ['not_applicable', 'metric_not_applicable'],
    ]);
    const mismatch = await run(['psnr', 'ssim', 'ms_ssim'], img, other);
    expect(mismatch.outcomes.map((o) => o.reason?.code)).toEqual([
      'reference_size_mismatch',
      'reference_size_mismatch',
      'reference_size_mismatch',
    ]);
    expect(mismatch.outcomes[0].reason?.message).toMatch(/180×200, the asset 200×180.*never resize/);
  });

  it('degradation lowers SSIM and PSNR in order', async () => {
    const rgb = texturedRgb(256, 256, 8);
    const ref = await decode(sharp(rgb, rawOf(256, 256)));
    const mild = await run(['psnr', 'ssim', 'ms_ssim'], await decode(sharp(rgb, rawOf(256, 256)).blur(0.8)), ref);
    const strong = await run(['psnr', 'ssim', 'ms_ssim'], await decode(sharp(rgb, rawOf(256, 256)).blur(3)), ref);
    for (const k of ['psnr.psnr', 'ssim.ssim', 'ms_ssim.ms_ssim']) expect(strong.scores[k]).toBeLessThan(mild.scores[k]);
  });
});

describe('product_photo', () => {
  const shot = (bg: string) =>
    sharp({ create: { width: 400, height: 300, channels: 3, background: bg } }).composite([
      { input: { create: { width: 200, height: 200, channels: 3, background: '#c0392b' } }, left: 100, top: 50 },
    ]);

  it('measures the background band, the subject box, resolution and aspect', async () => {
    const { scores } = await run(['product_photo'], await decode(shot('#ffffff')), undefined, {
      product_photo: { aspectRatios: ['4:3'], minWidth: 400, minHeight: 300 },
    });
    expect(scores).toEqual({
      'product_photo.background_uniformity': 1,
      'product_photo.background_distance': 0,
      'product_photo.subject_fill_ratio': (200 * 200) / (400 * 300),
      'product_photo.resolution_ok': 1,
      'product_photo.aspect_ok': 1,
    });
  });

  it('flags a grey background, a wrong aspect ratio and a small image', async () => {
    const { scores } = await run(['product_photo'], await decode(shot('#808080')), undefined, {
      product_photo: { aspectRatios: ['1:1', '16:9'], minWidth: 1000 },
    });
    expect(scores['product_photo.background_uniformity']).toBe(0);
    expect(scores['product_photo.background_distance']).toBe(127);
    expect(scores['product_photo.aspect_ok']).toBe(0);
    expect(scores['product_photo.resolution_ok']).toBe(0);
  });

  it('refuses bad parameters at suite resolution', async () => {
    const registry = await MetricRegistry.load();
    expect(() =>
      registry.resolveSuite({
        name: 't',
        source: 'test',
        metrics: [{ metric: 'product_photo', params: { background: 'white' }, thresholds: {} }],
      }),
    ).toThrow(/product_photo\.params\.background/);
    expect(() =>
      registry.resolveSuite({
        name: 't',
        source: 'test',
        metrics: [{ metric: 'product_photo', params: { colour: '#fff' }, thresholds: {} }],
      }),
    ).toThrow(/product_photo\.params/);
  });
});

describe('bad input gives a defined value or metric_not_applicable, never NaN', () => {
  const variants: Record<string, () => Promise<DecodedImage>> = {
    constant: () => decode(sharp({ create: { width: 64, height: 64, channels: 3, background: '#7f7f7f' } })),
    '1×1': () => decode(sharp(Buffer.from([10, 200, 30]), rawOf(1, 1))),
    '2×2': () => decode(sharp(Buffer.from([0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0]), rawOf(2, 2))),
    'extreme aspect 4000×3': () => decode(sharp(texturedRgb(4000, 3, 1), rawOf(4000, 3))),
    greyscale: () => decode(sharp(texturedRgb(64, 64, 2), rawOf(64, 64)).toColourspace('b-w')),
    alpha: () => decode(sharp(texturedRgb(64, 64, 3), rawOf(64, 64)).ensureAlpha(0.5)),
    '16-bit': () => decode(sharp(texturedRgb(64, 64, 4), rawOf(64, 64)).toColourspace('rgb16')),
  };
  for (const [name, make] of Object.entries(variants)) {
    it(name, async () => {
      const image = await make();
      const ev = await run(CPU_METRICS, image, image);
      expect(Object.values(ev.scores).every(Number.isFinite)).toBe(true);
      for (const o of ev.outcomes) expect(['ok', 'not_applicable'], `${o.metric}: ${o.reason?.message}`).toContain(o.status);
      if (name === 'constant') {
        expect(ev.scores).toMatchObject({
          'noise.sigma': 0,
          'blockiness.ratio': 1,
          'contrast.rms': 0,
          'contrast.entropy': 0,
          'ssim.ssim': 1,
          'sharpness.laplacian_variance': 0,
        });
      }
      if (name === '1×1') {
        const na = ev.outcomes.filter((o) => o.status === 'not_applicable').map((o) => o.metric);
        expect(na.sort()).toEqual(['blockiness', 'ms_ssim', 'noise', 'sharpness', 'ssim']);
      }
    });
  }
});
