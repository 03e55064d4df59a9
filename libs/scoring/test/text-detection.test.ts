import { readFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceHost } from '@assay/inference';
import { decodeImage } from '@assay/media';
import { dbPostprocess, detectionInputSize, MetricRegistry, resolveModel, type MetricDefinition } from '@assay/scoring';
import { OPENCV_DATA, quietLogger } from '../../../test/helpers/env.js';

describe('DB post-processing', () => {
  it('finds a text-like bar, grows it by the unclip offset, maps it to image coordinates', () => {
    const w = 64;
    const h = 32;
    const prob = new Float32Array(w * h);
    for (let y = 10; y <= 19; y++) for (let x = 10; x <= 49; x++) prob[y * w + x] = 0.9;
    const { boxes, areaRatio } = dbPostprocess(prob, w, h, 128, 64);
    expect(boxes).toHaveLength(1);
    const d = (39 * 9 * 1.5) / (2 * (39 + 9)); // area·ratio / perimeter of the 39×9 point box
    expect(boxes[0]).toEqual({ x: Math.round((10 - d) * 2), y: Math.round((10 - d) * 2), width: Math.round((39 + 2 * d) * 2), height: Math.round((9 + 2 * d) * 2), score: 0.9 });
    expect(areaRatio).toBeGreaterThan((40 * 10) / (w * h));
  });

  it('drops specks and weak regions', () => {
    const w = 40;
    const h = 40;
    const prob = new Float32Array(w * h);
    prob[5 * w + 5] = 0.99; // 1-pixel speck
    for (let y = 20; y < 30; y++) for (let x = 10; x < 30; x++) prob[y * w + x] = 0.5; // above 0.3, below box 0.6
    expect(dbPostprocess(prob, w, h, w, h).boxes).toEqual([]);
  });

  it('sizes the detector input like PaddleOCR (long side ≤ 960, multiples of 32)', () => {
    expect(detectionInputSize(512, 480)).toEqual({ width: 512, height: 480 });
    expect(detectionInputSize(1920, 1080)).toEqual({ width: 960, height: 544 });
    expect(detectionInputSize(10, 5)).toEqual({ width: 32, height: 32 });
  });
});

describe('text_detection with the real PP-OCRv4 model', () => {
  let host: InferenceHost;
  let metric: MetricDefinition;
  beforeAll(async () => {
    host = new InferenceHost(['cpu'], quietLogger());
    await host.load(resolveModel('ppocr-v4-det'));
    metric = (await MetricRegistry.load()).get('text_detection')!;
  });
  afterAll(() => host.close());

  const score = async (bytes: Buffer) => {
    const image = await decodeImage(bytes, { maxBytes: 1e8, maxPixels: 1e8 });
    return metric.compute({ image, attributes: {} }, { models: host, file: (p) => p }, {});
  };

  it('finds the stray caption and nothing in the clean photograph', async () => {
    const withText = await score(readFileSync('samples/with-text.jpg'));
    const clean = await score(readFileSync('samples/sharp.jpg'));
    expect(withText.scores.region_count).toBeGreaterThanOrEqual(1);
    expect(withText.scores.area_ratio).toBeGreaterThan(0.02);
    const boxes = withText.details!.boxes as { y: number; height: number }[];
    expect(boxes.every((b) => b.y < 100)).toBe(true); // the caption is drawn in the top band
    expect(clean.scores).toEqual({ region_count: 0, area_ratio: 0 });
    expect(withText.model).toMatchObject({ id: 'ppocr-v4-det', provider: 'cpu' });
    expect(withText.model!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.runIf(existsSync(`${OPENCV_DATA}/imageTextN.png`))('covers most of a page of printed text (opencv-doc imageTextN.png)', async () => {
    const r = await score(readFileSync(`${OPENCV_DATA}/imageTextN.png`));
    expect(r.scores.region_count).toBeGreaterThan(5);
    expect(r.scores.area_ratio).toBeGreaterThan(0.3);
  });
});
