import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { decodeImage, type DecodedImage } from '@assay/media';
import { colorfulness, evaluate, laplacianVariance, luma8, MetricRegistry, type ModelRunner } from '@assay/scoring';
import { rawOf, texturedRgb } from '../../../test/helpers/images.js';

const limits = { maxBytes: 1e8, maxPixels: 1e8 };
const noModels: ModelRunner = { run: () => Promise.reject(new Error('no model in this test')) };
const ctx = { models: noModels, file: (p: string) => p };
const suiteOf = (registry: MetricRegistry, names: string[]) =>
  registry.resolveSuite({ name: 'test', source: 'test', metrics: names.map((metric) => ({ metric, params: {}, thresholds: {} })) }).metrics;
const image = async (rgb: Buffer, w: number, h: number): Promise<DecodedImage> =>
  decodeImage(await sharp(rgb, rawOf(w, h)).png().toBuffer(), limits);

/** Independent Laplacian variance: pad with reflect-101 first, then convolve; two-pass variance. */
function naiveLaplacianVariance(y: Uint8Array, w: number, h: number): number {
  const refl = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
  const padded: number[][] = [];
  for (let r = -1; r <= h; r++) {
    const row: number[] = [];
    for (let c = -1; c <= w; c++) row.push(y[refl(r, h) * w + refl(c, w)]);
    padded.push(row);
  }
  const values: number[] = [];
  for (let r = 1; r <= h; r++)
    for (let c = 1; c <= w; c++) values.push(padded[r - 1][c] + padded[r + 1][c] + padded[r][c - 1] + padded[r][c + 1] - 4 * padded[r][c]);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
}

describe('luma', () => {
  it('rounds like OpenCV cvtColor(RGB2GRAY)', () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 128, 64, 32]);
    // OpenCV 4.x gives R→76, G→150, B→29, white→255 and (128,64,32)→79
    expect([...luma8(rgb, 5)]).toEqual([76, 150, 29, 255, 79]);
  });
});

describe('sharpness', () => {
  for (const [w, h] of [
    [2, 2],
    [3, 5],
    [31, 17],
    [128, 96],
  ]) {
    it(`equals an independent reflect-101 Laplacian variance at ${w}×${h}`, () => {
      const y = luma8(texturedRgb(w, h, w * h), w * h);
      const want = naiveLaplacianVariance(y, w, h);
      expect(Math.abs(laplacianVariance(y, w, h) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, want));
    });
  }

  it('drops when the image is blurred', async () => {
    const rgb = texturedRgb(160, 120, 9);
    const blurred = await sharp(rgb, rawOf(160, 120)).blur(2).raw().toBuffer();
    const y1 = luma8(rgb, 160 * 120);
    const y2 = luma8(blurred, 160 * 120);
    expect(laplacianVariance(y2, 160, 120)).toBeLessThan(laplacianVariance(y1, 160, 120) / 4);
  });
});

describe('colorfulness', () => {
  it('is 0 for grey and matches a direct computation', () => {
    expect(colorfulness(new Uint8Array(300).fill(90), 100)).toBe(0);
    const rgb = texturedRgb(50, 40, 4);
    const n = 50 * 40;
    const rg: number[] = [];
    const yb: number[] = [];
    for (let i = 0; i < n; i++) {
      rg.push(rgb[3 * i] - rgb[3 * i + 1]);
      yb.push(0.5 * (rgb[3 * i] + rgb[3 * i + 1]) - rgb[3 * i + 2]);
    }
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const sd = (a: number[]) => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
    const want = Math.sqrt(sd(rg) ** 2 + sd(yb) ** 2) + 0.3 * Math.sqrt(mean(rg) ** 2 + mean(yb) ** 2);
    expect(colorfulness(rgb, n)).toBeCloseTo(want, 9);
  });
});

describe('registry and evaluate', () => {
  it('discovers every metric file and checks its declaration', async () => {
    const registry = await MetricRegistry.load();
    expect(registry.all().map((m) => m.name)).toEqual(
      expect.arrayContaining(['colorfulness', 'exposure', 'resolution', 'sharpness', 'text_detection']),
    );
    expect(() => suiteOf(registry, ['sharpness', 'nope'])).toThrow(/suite test \(test\): unknown metric nope/);
  });

  it('scores exposure and resolution on a known image', async () => {
    const registry = await MetricRegistry.load();
    const rgb = Buffer.alloc(10 * 4 * 3);
    rgb.fill(255, 0, 10 * 2 * 3); // top half white, bottom half black
    const ev = await evaluate(suiteOf(registry, ['exposure', 'resolution']), { image: await image(rgb, 10, 4), attributes: {} }, ctx);
    expect(ev.scores).toEqual({
      'exposure.highlight_clip_ratio': 0.5,
      'exposure.shadow_clip_ratio': 0.5,
      'exposure.mean_luma': 0.5,
      'resolution.width': 10,
      'resolution.height': 4,
      'resolution.megapixels': 40 / 1e6,
      'resolution.aspect_ratio': 2.5,
    });
  });

  it('marks a metric not applicable on a 1×1 image and never emits NaN', async () => {
    const registry = await MetricRegistry.load();
    const ev = await evaluate(
      suiteOf(registry, ['sharpness', 'exposure', 'colorfulness', 'resolution']),
      { image: await image(Buffer.from([10, 20, 30]), 1, 1), attributes: {} },
      ctx,
    );
    const sharpness = ev.outcomes.find((o) => o.metric === 'sharpness')!;
    expect(sharpness.status).toBe('not_applicable');
    expect(sharpness.reason?.code).toBe('metric_not_applicable');
    expect(Object.values(ev.scores).every(Number.isFinite)).toBe(true);
    expect(ev.outcomes.filter((o) => o.status === 'ok')).toHaveLength(3);
  });

  it('constant images give defined values', async () => {
    const registry = await MetricRegistry.load();
    const ev = await evaluate(
      suiteOf(registry, ['sharpness', 'colorfulness']),
      { image: await image(Buffer.alloc(32 * 32 * 3, 128), 32, 32), attributes: {} },
      ctx,
    );
    expect(ev.scores).toEqual({ 'sharpness.laplacian_variance': 0, 'colorfulness.colorfulness': 0 });
  });
});
