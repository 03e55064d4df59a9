import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceHost } from '@assay/inference';
import { decodeImage } from '@assay/media';
import {
  dbPostprocess,
  detectionInputSize,
  findContours,
  getMiniBoxes,
  minAreaRect,
  MetricRegistry,
  polygonAreaPerimeter,
  quadUnionArea,
  unclip,
  type MetricDefinition,
  type Point,
  type Quad,
} from '@assay/scoring';
import { resolveModel } from '@assay/models';
import { OPENCV_DATA, quietLogger } from '../../../test/helpers/env.js';

const degrees = (q: Quad) => (Math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0]) * 180) / Math.PI;
const side = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** A probability map with a bar of `value` (pixel centres within length × thickness, turned by `deg`). */
function barMap(w: number, h: number, length: number, thickness: number, deg: number, value = 0.9): Float32Array {
  const prob = new Float32Array(w * h);
  const [c, s] = [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = (x - w / 2) * c + (y - h / 2) * s;
      const v = -(x - w / 2) * s + (y - h / 2) * c;
      if (Math.abs(u) <= length / 2 && Math.abs(v) <= thickness / 2) prob[y * w + x] = value;
    }
  }
  return prob;
}

/** Mean probability over the upright bounding box of the map's foreground (text_detection 1.x's box score). */
function uprightMean(prob: Float32Array, w: number): number {
  const fg = [...prob.keys()].filter((i) => prob[i] > 0.3);
  const xs = fg.map((i) => i % w);
  const ys = fg.map((i) => Math.floor(i / w));
  let [sum, n] = [0, 0];
  for (let y = Math.min(...ys); y <= Math.max(...ys); y++)
    for (let x = Math.min(...xs); x <= Math.max(...xs); x++) [sum, n] = [sum + prob[y * w + x], n + 1];
  return sum / n;
}

describe('OpenCV geometry as PaddleOCR calls it', () => {
  it('minAreaRect carries OpenCV 4.6 single-precision results', () => {
    // values printed by cv2.minAreaRect (OpenCV 4.6) for these points
    expect(
      minAreaRect([
        [10, 10],
        [49, 10],
        [49, 19],
        [10, 19],
      ]),
    ).toEqual({ center: [29.5, 14.5], size: [9, 39], angle: 90 });
    expect(
      minAreaRect([
        [0, 0],
        [10, 1],
        [9, 5],
        [-1, 4],
      ]),
    ).toEqual({
      center: [4.499999523162842, 2.499999761581421],
      size: [10.646897315979004, 4.079652309417725],
      angle: 5.710593223571777,
    });
  });

  it('orders get_mini_boxes corners from the top-left, clockwise on screen', () => {
    const { box, sside } = getMiniBoxes([
      [0, 0],
      [10, 1],
      [9, 5],
      [-1, 4],
    ]);
    expect(sside).toBeCloseTo(4.0797, 4);
    expect(box[0][0]).toBeLessThan(box[1][0]); // top-left, then top-right
    expect(box[3][1]).toBeGreaterThan(box[0][1]); // bottom-left below top-left
    expect(box[2][1]).toBeGreaterThan(box[1][1]);
  });

  it('traces contours like cv2.findContours(RETR_LIST, CHAIN_APPROX_SIMPLE), holes included', () => {
    const w = 12;
    const fg = new Uint8Array(w * w);
    for (let y = 2; y < 10; y++) for (let x = 2; x < 10; x++) fg[y * w + x] = 1;
    fg[5 * w + 5] = 0; // a one-pixel hole
    for (const [x, y] of [
      [7, 4],
      [8, 4],
      [7, 5],
      [8, 5],
    ])
      fg[y * w + x] = 0; // a 2×2 hole
    // cv2 4.6's output for the same image, in its order (the last found first)
    expect(findContours(fg, w, w)).toEqual([
      [
        [4, 5],
        [5, 4],
        [6, 5],
        [5, 6],
      ],
      [
        [6, 4],
        [7, 3],
        [8, 3],
        [9, 4],
        [9, 5],
        [8, 6],
        [7, 6],
        [6, 5],
      ],
      [
        [2, 2],
        [2, 9],
        [9, 9],
        [9, 2],
      ],
    ]);
  });

  it('unclips with Clipper round joins on truncated corners (pyclipper output)', () => {
    const withoutCollinear = (poly: Point[]) =>
      poly.filter((p, i) => {
        const [a, b] = [poly[(i + poly.length - 1) % poly.length], poly[(i + 1) % poly.length]];
        return (p[0] - a[0]) * (b[1] - a[1]) - (p[1] - a[1]) * (b[0] - a[0]) !== 0;
      });
    const sorted = (poly: Point[]) => [...poly].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const box: Point[] = [
      [0.9, 0.2],
      [40.7, 3.9],
      [39.6, 13.99],
      [-0.2, 10.1],
    ].map(([x, y]): Point => [Math.fround(x), Math.fround(y)]);
    const { area, perimeter } = polygonAreaPerimeter(box);
    // pyclipper.PyclipperOffset().AddPath(box, JT_ROUND, ET_CLOSEDPOLYGON); Execute(7.3)
    const want: Point[] = [
      [41, -4],
      [44, -3],
      [47, 0],
      [47, 4],
      [46, 14],
      [45, 17],
      [42, 20],
      [38, 20],
      [-1, 17],
      [-4, 16],
      [-7, 13],
      [-7, 0],
      [-6, -4],
      [-4, -6],
      [1, -7],
    ];
    expect(sorted(withoutCollinear(unclip(box, (7.3 * perimeter) / area)))).toEqual(sorted(want));
  });
});

describe('DB post-processing', () => {
  it('keeps an axis-aligned bar where the axis-aligned version put it, up to the unclip rounding', () => {
    const w = 64;
    const h = 32;
    const prob = new Float32Array(w * h);
    for (let y = 10; y <= 19; y++) for (let x = 10; x <= 49; x++) prob[y * w + x] = 0.9;
    const { boxes, areaRatio } = dbPostprocess(prob, w, h, 128, 64);
    expect(boxes).toHaveLength(1);
    // the 39×9 point box grows by area·1.5/perimeter = 5.48 to [4.52, 54.48] × [4.52, 24.48], which Clipper
    // rounds to [5, 54] × [5, 24]; ×2 to the image
    expect(boxes[0]).toEqual({
      points: [
        [10, 10],
        [108, 10],
        [108, 48],
        [10, 48],
      ],
      score: 0.9,
    });
    // the axis-aligned post-processing (text_detection 1.x) grew the box by the unrounded offset
    const d = (39 * 9 * 1.5) / (2 * (39 + 9));
    const old = {
      x0: Math.round((10 - d) * 2),
      y0: Math.round((10 - d) * 2),
      x1: Math.round((10 - d) * 2) + Math.round((39 + 2 * d) * 2),
      y1: Math.round((10 - d) * 2) + Math.round((9 + 2 * d) * 2),
    };
    const [[x0, y0], , [x1, y1]] = boxes[0].points;
    for (const [got, was] of [
      [x0, old.x0],
      [y0, old.y0],
      [x1, old.x1],
      [y1, old.y1],
    ])
      expect(Math.abs(got - was)).toBeLessThanOrEqual(1);
    // pixel centres inside [10, 108] × [10, 48]
    expect(areaRatio).toBe((98 * 38) / (128 * 64));
  });

  for (const deg of [5, 30, -30, 10]) {
    it(`fits a rotated box to a bar turned by ${deg}°`, () => {
      const [w, h, length, thickness] = [256, 160, 160, 14];
      const prob = barMap(w, h, length, thickness, deg);
      const { boxes, areaRatio } = dbPostprocess(prob, w, h, w, h);
      expect(boxes).toHaveLength(1);
      const q = boxes[0].points;
      // scored over the rotated box (its outline pixels partly off the bar), where the upright box would be
      // mostly background
      expect(boxes[0].score).toBeGreaterThan(0.75);
      expect(uprightMean(prob, w)).toBeLessThan(0.6);
      expect(degrees(q)).toBeCloseTo(deg, 0); // within 0.5°
      // the bar's rectangle grown by unclip's area·1.5/perimeter on every side (up to the integer rounding)
      const d = (length * thickness * 1.5) / (2 * (length + thickness));
      expect(Math.abs(side(q[0], q[1]) - (length + 2 * d))).toBeLessThan(2);
      expect(Math.abs(side(q[0], q[3]) - (thickness + 2 * d))).toBeLessThan(2);
      const want = (length + 2 * d) * (thickness + 2 * d);
      expect(Math.abs(side(q[0], q[1]) * side(q[0], q[3]) - want) / want).toBeLessThan(0.07);
      expect(Math.abs((areaRatio * w * h) / want - 1)).toBeLessThan(0.07);
    });
  }

  it('drops specks and weak regions', () => {
    const w = 40;
    const h = 40;
    const prob = new Float32Array(w * h);
    prob[5 * w + 5] = 0.99; // 1-pixel speck
    for (let y = 20; y < 30; y++) for (let x = 10; x < 30; x++) prob[y * w + x] = 0.5; // above 0.3, below box 0.6
    expect(dbPostprocess(prob, w, h, w, h).boxes).toEqual([]);
    // a thin line: its rectangle's short side is under min_size (3)
    const line = new Float32Array(w * h);
    for (let x = 5; x < 35; x++) line[10 * w + x] = line[11 * w + x] = 0.95;
    expect(dbPostprocess(line, w, h, w, h).boxes).toEqual([]);
  });

  it('measures the union of rotated boxes on pixel centres', () => {
    const a: Quad = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ];
    const b: Quad = [
      [5, 5],
      [15, 5],
      [15, 15],
      [5, 15],
    ];
    expect(quadUnionArea([a, b], 100, 100)).toBe(175);
    expect(quadUnionArea([a, b], 8, 8)).toBe(64); // clipped to the image
    const diamond: Quad = [
      [10, 0],
      [20, 10],
      [10, 20],
      [0, 10],
    ];
    expect(quadUnionArea([diamond], 40, 40)).toBe(200); // its area exactly (10·√2)²
    expect(quadUnionArea([], 10, 10)).toBe(0);
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
  type Box = { points: Quad; score: number };

  it('is version 2 (rotated boxes)', () => {
    expect(metric.version).toBe('2.0.0');
  });

  it('finds the stray caption and nothing in the clean photograph', async () => {
    const withText = await score(readFileSync('samples/with-text.jpg'));
    const clean = await score(readFileSync('samples/sharp.jpg'));
    expect(withText.scores.region_count).toBe(1);
    const [box] = withText.details!.boxes as Box[];
    expect(box.points).toHaveLength(4);
    // one line across most of the 512-pixel width, a caption's height: its share of the image follows
    const xs = box.points.map(([x]) => x);
    const ys = box.points.map(([, y]) => y);
    const [w, h] = [Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
    expect(w).toBeGreaterThan(380);
    expect(h).toBeGreaterThan(30);
    expect(h).toBeLessThan(70);
    expect(withText.scores.area_ratio).toBeCloseTo((w * h) / (512 * 480), 2);
    expect(box.points.every(([, y]) => y < 100)).toBe(true); // the caption is drawn in the top band
    expect(box.score).toBeGreaterThan(0.75); // well above the 0.6 the DB post-processing keeps
    expect(clean.scores).toEqual({ region_count: 0, area_ratio: 0 });
    expect(withText.model).toMatchObject({ id: 'ppocr-v4-det', provider: 'cpu' });
    expect(withText.model!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds every line of a printed page, upright and tilted (opencv-doc imageTextN/R.png)', async () => {
    const upright = await score(readFileSync(`${OPENCV_DATA}/imageTextN.png`));
    const tilted = await score(readFileSync(`${OPENCV_DATA}/imageTextR.png`));
    expect(upright.scores.region_count).toBe(13);
    expect(tilted.scores.region_count).toBe(13);
    expect(upright.scores.area_ratio).toBeGreaterThan(0.55);
    // the tilted page covers a larger canvas (556×323 against 556×257) with the same lines
    expect(tilted.scores.area_ratio * 556 * 323).toBeGreaterThan(0.9 * upright.scores.area_ratio * 556 * 257);
    const angles = (tilted.details!.boxes as Box[]).map((b) => degrees(b.points));
    // the lines rise to the right by about 9° (y points down)
    for (const a of angles) expect(a).toBeGreaterThan(-10);
    for (const a of angles) expect(a).toBeLessThan(-8.5);
    for (const b of upright.details!.boxes as Box[]) expect(Math.abs(degrees(b.points))).toBeLessThan(1);
  });
});
