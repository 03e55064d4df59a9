import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ocr from '@gutenye/ocr-node';
import { InferenceHost } from '@assay/inference';
import { decodeImage } from '@assay/media';
import { evaluate, MetricRegistry, resolveFile, resolveModel, type ResolvedMetric } from '@assay/scoring';
import { OPENCV_DATA, quietLogger } from '../helpers/env.js';
import { PYTHON } from './parity.js';

/**
 * The `text` metric (PP-OCRv4 via our own pre/post-processing) against @gutenye/ocr-node, which runs the
 * same detection and recognition ONNX files with its own pipeline: detector input without mean/std and a
 * 0.03 threshold, OpenCV contours + rotated boxes, crops from the resized image, recognizer input in [0, 1]
 * one line at a time, no direction classifier, boxes on one line merged (texts joined by a space).
 *
 * Agreement is measured per ocr-node line: our regions whose centre falls inside that line's box (mapped
 * back to image pixels) are joined left to right by a space and compared with its text. Reported: lines
 * matched, exact-string agreement (raw and normalized), CER of our text against theirs (pooled: edits
 * over characters), and lines only one side read.
 */

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
interface Line {
  text: string;
  box: Box;
}
interface OcrNodeLine {
  text: string;
  mean: number;
  box?: number[][];
}

const normalize = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();

/** Independent Levenshtein distance over code points. */
function distance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) for (let j = 1; j <= y.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
  return d[x.length][y.length];
}

/** ocr-node detects on the image resized with sharp's `contain` into multiples of 32; its boxes are in that frame. */
function fromOcrNodeFrame(points: number[][], width: number, height: number): Box {
  const W = Math.max(Math.ceil(width / 32) * 32, 32);
  const H = Math.max(Math.ceil(height / 32) * 32, 32);
  const scale = Math.min(W / width, H / height);
  const left = Math.floor((W - Math.round(width * scale)) / 2);
  const top = Math.floor((H - Math.round(height * scale)) / 2);
  const xs = points.map((p) => (p[0] - left) / scale);
  const ys = points.map((p) => (p[1] - top) / scale);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Text lines rendered with the DejaVu fonts (fontconfig), each with the exact strings drawn. */
const GENERATED: { file: string; lines: string[]; svg: () => Promise<Buffer> }[] = [
  textImage('dark-on-light.png', 640, 140, '#ffffff', '#000000', 'DejaVu Sans', 'normal', 56, ['Hello World 2024']),
  textImage('light-on-dark.png', 720, 140, '#1e1e28', '#f5f5f5', 'DejaVu Serif', 'bold', 52, ['Fresh Coffee Daily']),
  textImage('small.png', 340, 66, '#eeeeee', '#000000', 'DejaVu Sans', 'normal', 20, ['Organic cotton t-shirt, size M']),
  textImage('large.png', 900, 300, '#ffffff', '#c00000', 'DejaVu Sans', 'bold', 200, ['SALE']),
  textImage('mono-colour.png', 760, 130, '#ffe14d', '#1a3d8f', 'DejaVu Sans Mono', 'normal', 48, ['MODEL X-200 4K HDR']),
  textImage('multiline-1024.png', 1024, 1024, '#fafafa', '#111111', 'DejaVu Sans', 'normal', 64, ['Grand Opening', 'Saturday 10 AM', 'Free samples for everyone', 'Main Street 42']),
  {
    file: 'photo-caption.png',
    lines: ['Fresh fruit 2 for $5'],
    // a product-like photograph (the repo's sample) with a caption band
    svg: async () => {
      const { width: w = 0, height: h = 0 } = await sharp('samples/sharp.jpg').metadata();
      const band = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect y="${h - 70}" width="${w}" height="70" fill="#ffffff" fill-opacity="0.85"/><text x="24" y="${h - 22}" font-family="DejaVu Sans" font-weight="bold" font-size="36" fill="#202020">Fresh fruit 2 for $5</text></svg>`;
      return sharp('samples/sharp.jpg').composite([{ input: Buffer.from(band) }]).png().toBuffer();
    },
  },
];

function textImage(file: string, w: number, h: number, bg: string, fg: string, font: string, weight: string, size: number, lines: string[]) {
  const gap = lines.length > 1 ? 2.2 : 0;
  const first = lines.length > 1 ? Math.round(h / 4) : Math.round(h / 2 + size * 0.36);
  const text = lines.map((l, i) => `<text x="${Math.round(size * 0.6)}" y="${first + i * size * gap}" font-family="${font}" font-weight="${weight}" font-size="${size}" fill="${fg}">${esc(l)}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="${bg}"/>${text}</svg>`;
  return { file, lines, svg: () => sharp(Buffer.from(svg)).png().toBuffer() };
}

const OPENCV_FILES = ['imageTextN.png', 'imageTextR.png', 'text_defocus.jpg', 'text_motion.jpg', 'licenseplate_motion.jpg', 'notes.png'];

describe('text: parity with @gutenye/ocr-node on the same images', () => {
  let host: InferenceHost;
  let metrics: ResolvedMetric[];
  let ocr: Awaited<ReturnType<typeof Ocr.create>>;
  let dir: string;
  const ctx = () => ({ models: host, file: (p: string) => resolveFile(p) });

  beforeAll(async () => {
    host = new InferenceHost(['cpu'], quietLogger());
    for (const id of ['ppocr-v4-det', 'ppocr-mobile-v2-cls', 'ppocr-v4-rec']) await host.load(resolveModel(id));
    const registry = await MetricRegistry.load();
    metrics = registry.resolveSuite({ name: 'ocr-parity', source: 'test', metrics: [{ metric: 'text', params: {}, thresholds: {} }] }).metrics;
    ocr = await Ocr.create();
    dir = mkdtempSync(join(tmpdir(), 'assay-ocr-parity-'));
    for (const g of GENERATED) writeFileSync(join(dir, g.file), await g.svg());
  });
  afterAll(async () => {
    await host?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Our text regions (details of the `text` metric) and ocr-node's lines, in image pixels. */
  async function both(path: string): Promise<{ ours: Line[]; theirs: Line[]; text: string }> {
    const image = await decodeImage(readFileSync(path), { maxBytes: 1e9, maxPixels: 1e9 });
    const ev = await evaluate(metrics, { image, attributes: {} }, ctx());
    const outcome = ev.outcomes[0];
    expect(outcome.status, `${path}: ${outcome.reason?.message}`).toBe('ok');
    const texts = (outcome.details!.texts as { text: string; box: { x: number; y: number; width: number; height: number } }[]) ?? [];
    const ours = texts.map((t) => ({ text: t.text, box: { x0: t.box.x, y0: t.box.y, x1: t.box.x + t.box.width, y1: t.box.y + t.box.height } }));
    const theirs = ((await ocr.detect(path)) as OcrNodeLine[]).filter((l) => l.box && l.text).map((l) => ({ text: l.text, box: fromOcrNodeFrame(l.box!, image.width, image.height) }));
    return { ours, theirs, text: outcome.details!.text as string };
  }

  interface Pair {
    image: string;
    ours: string;
    theirs: string;
  }

  /** Pairs each ocr-node line with our regions centred inside its box; the rest are one-sided. */
  function pairLines(image: string, ours: Line[], theirs: Line[]): { pairs: Pair[]; onlyTheirs: string[]; onlyOurs: string[] } {
    const used = new Set<number>();
    const pairs: Pair[] = [];
    const onlyTheirs: string[] = [];
    const pad = 4;
    for (const t of theirs) {
      const inside = ours
        .map((o, i) => ({ o, i, cx: (o.box.x0 + o.box.x1) / 2, cy: (o.box.y0 + o.box.y1) / 2 }))
        .filter(({ i, cx, cy }) => !used.has(i) && cx >= t.box.x0 - pad && cx <= t.box.x1 + pad && cy >= t.box.y0 - pad && cy <= t.box.y1 + pad)
        .sort((a, b) => a.o.box.x0 - b.o.box.x0);
      if (!inside.length) {
        onlyTheirs.push(t.text);
        continue;
      }
      inside.forEach(({ i }) => used.add(i));
      pairs.push({ image, ours: inside.map(({ o }) => o.text).join(' '), theirs: t.text });
    }
    return { pairs, onlyTheirs, onlyOurs: ours.filter((_, i) => !used.has(i)).map((o) => o.text) };
  }

  function summarize(pairs: Pair[]) {
    const exact = pairs.filter((p) => p.ours === p.theirs).length;
    const normalized = pairs.filter((p) => normalize(p.ours) === normalize(p.theirs)).length;
    const edits = pairs.reduce((s, p) => s + distance(normalize(p.ours), normalize(p.theirs)), 0);
    const chars = pairs.reduce((s, p) => s + [...normalize(p.theirs)].length, 0);
    return { lines: pairs.length, exactRate: exact / pairs.length, normalizedRate: normalized / pairs.length, pooledCer: edits / chars };
  }

  it('reads the rendered strings, and agrees with ocr-node on them', async () => {
    const pairs: Pair[] = [];
    const report: string[] = [];
    let exactToDrawn = 0;
    for (const g of GENERATED) {
      const path = join(dir, g.file);
      const { ours, theirs, text } = await both(path);
      const want = g.lines.join(' ');
      const cer = distance(normalize(text), normalize(want)) / [...normalize(want)].length;
      if (normalize(text) === normalize(want)) exactToDrawn++;
      report.push(`${g.file}: ours "${text}" (CER ${cer.toFixed(3)}), ocr-node ${JSON.stringify(theirs.map((t) => t.text))}`);
      // the drawn string, up to a character or two (the recognizer reads "10" as "l0" at 64 px, for one)
      expect(cer, `${g.file}: read "${text}", drawn "${want}"`).toBeLessThanOrEqual(0.05);
      const paired = pairLines(g.file, ours, theirs);
      expect(paired.onlyTheirs, g.file).toEqual([]);
      expect(paired.onlyOurs, g.file).toEqual([]);
      pairs.push(...paired.pairs);
    }
    const s = summarize(pairs);
    // eslint-disable-next-line no-console
    console.log(`generated images:\n  ${report.join('\n  ')}\n  agreement: ${JSON.stringify(s)}`);
    expect(exactToDrawn).toBeGreaterThanOrEqual(GENERATED.length - 1);
    expect(s.lines).toBe(GENERATED.reduce((n, g) => n + g.lines.length, 0));
    expect(s.normalizedRate).toBeGreaterThanOrEqual(0.9);
    expect(s.pooledCer).toBeLessThanOrEqual(0.01);
  }, 120_000);

  it('agrees with ocr-node on opencv-doc text images', async () => {
    const pairs: Pair[] = [];
    const report: string[] = [];
    const files = [...OPENCV_FILES.map((f) => join(OPENCV_DATA, f)), 'samples/with-text.jpg'];
    const perImage: Record<string, { ours: number; theirs: number; onlyTheirs: number; onlyOurs: number }> = {};
    for (const path of files) {
      const name = path.split('/').at(-1)!;
      const { ours, theirs } = await both(path);
      const paired = pairLines(name, ours, theirs);
      perImage[name] = { ours: ours.length, theirs: theirs.length, onlyTheirs: paired.onlyTheirs.length, onlyOurs: paired.onlyOurs.length };
      report.push(`${name}: ${paired.pairs.length} paired, only ocr-node ${JSON.stringify(paired.onlyTheirs)}, only ours ${JSON.stringify(paired.onlyOurs)}`);
      for (const p of paired.pairs) if (p.ours !== p.theirs) report.push(`  ours "${p.ours}" | ocr-node "${p.theirs}"`);
      pairs.push(...paired.pairs);
    }
    const s = summarize(pairs);
    // eslint-disable-next-line no-console
    console.log(`opencv-doc + with-text.jpg:\n  ${report.join('\n  ')}\n  agreement: ${JSON.stringify(s)}`);

    // Printed page: both read all 13 lines; they differ on a character here and there.
    expect(perImage['imageTextN.png']).toEqual({ ours: 13, theirs: 13, onlyTheirs: 0, onlyOurs: 0 });
    // The caption of samples/with-text.jpg runs off the right edge: both read "SUMMER SALE 50%".
    expect(pairs.find((p) => p.image === 'with-text.jpg')).toMatchObject({ ours: 'SUMMER SALE 50%', theirs: 'SUMMER SALE 50%' });
    // Blurred text, a licence plate under motion blur and sheet music: neither side reads anything.
    for (const f of ['text_defocus.jpg', 'text_motion.jpg', 'licenseplate_motion.jpg', 'notes.png']) expect(perImage[f], f).toEqual({ ours: 0, theirs: 0, onlyTheirs: 0, onlyOurs: 0 });
    // Known gap: the page tilted by ~5° (imageTextR.png). Our DB post-processing scores each region over
    // its axis-aligned box, which for a tilted line is mostly background (mean ≈ 0.2–0.33 < 0.6), so no
    // region survives; ocr-node fits rotated boxes and reads all 13 lines.
    expect(perImage['imageTextR.png']).toMatchObject({ ours: 0, theirs: 13 });

    expect(s.lines).toBe(14);
    expect(s.normalizedRate).toBeGreaterThanOrEqual(0.85);
    expect(s.pooledCer).toBeLessThanOrEqual(0.01);
  }, 180_000);

  it('crop resizing equals OpenCV cv2.resize (INTER_LINEAR) pixel for pixel', async () => {
    // the recognizer and classifier inputs are built with resizeLinear; compare it with OpenCV itself
    const { resizeLinear } = await import('@assay/scoring');
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const cases = [[37, 15, 120, 48], [500, 17, 1412, 48], [300, 100, 144, 48], [13, 9, 192, 48], [640, 90, 341, 48], [40, 200, 10, 48], [321, 15, 1027, 48]];
    const data = cases.map(([w, h, W, H]) => {
      const rgb = new Uint8Array(w * h * 3).map(() => Math.floor(rnd() * 256));
      return { w, h, W, H, src: Buffer.from(rgb).toString('base64'), dst: Buffer.from(resizeLinear({ width: w, height: h, rgb }, W, H).rgb).toString('base64') };
    });
    const file = join(dir, 'resize.json');
    writeFileSync(file, JSON.stringify(data));
    const script = [
      'import base64, json, sys, cv2, numpy as np',
      'out = []',
      'for c in json.load(open(sys.argv[1])):',
      "    s = np.frombuffer(base64.b64decode(c['src']), np.uint8).reshape(c['h'], c['w'], 3)",
      "    d = np.frombuffer(base64.b64decode(c['dst']), np.uint8).reshape(c['H'], c['W'], 3).astype(int)",
      "    out.append(int(np.abs(cv2.resize(s, (c['W'], c['H'])).astype(int) - d).max()))",
      'print(json.dumps(out))',
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(cases.map(() => 0));
  });
});
