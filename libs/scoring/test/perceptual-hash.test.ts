import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { decodeImage, type DecodedImage } from '@assay/media';
import { evaluate, MetricRegistry, type ModelRunner, type ResolvedMetric } from '@assay/scoring';
import { OPENCV_DATA } from '../../../test/helpers/env.js';
import { rawOf, texturedRgb } from '../../../test/helpers/images.js';
import { loadParityImage, paritySet, PYTHON, removeParitySet, type ParitySet } from '../../../test/parity/parity.js';

afterAll(removeParitySet);

const limits = { maxBytes: 1e9, maxPixels: 1e9 };
const noModels: ModelRunner = { run: () => Promise.reject(new Error('no model in this test')) };
const ctx = { models: noModels, file: (p: string) => p };

/**
 * Two references per PNG. `ref`: the same definition written independently — OpenCV luma, area averaging
 * as integer overlap matrices (out = Wy · Y · Wxᵀ), scipy's DCT. `imagehash`: ImageHash 4.3's recipe
 * (PIL "L" luma, Lanczos resize, scipy.fftpack DCT, median incl. DC; dHash left > right as Krawetz), since
 * Debian 12 packages no python3-imagehash.
 */
const REFERENCE = String.raw`
import json, sys
import cv2, numpy as np, scipy.fft, scipy.fftpack
from PIL import Image

def overlaps(n, out):
    # input pixel x covers [x*out, (x+1)*out), output bin j covers [j*n, (j+1)*n), in 1/out pixel units
    w = np.zeros((out, n), dtype=np.int64)
    for j in range(out):
        for x in range(n):
            w[j, x] = max(0, min((x + 1) * out, (j + 1) * n) - max(x * out, j * n))
    return w

def area(y, out_w, out_h):
    h, w = y.shape
    return overlaps(h, out_h) @ y.astype(np.int64) @ overlaps(w, out_w).T  # exact integer sums

def hexbits(bits):
    return '%016x' % int(''.join('1' if b else '0' for b in np.asarray(bits).flatten()), 2)

def ours(path):
    y = cv2.cvtColor(cv2.imread(path, cv2.IMREAD_COLOR), cv2.COLOR_BGR2GRAY)
    mean = area(y, 32, 32) / (y.shape[0] * y.shape[1])
    c = scipy.fft.dct(scipy.fft.dct(mean, axis=0, norm=None), axis=1, norm=None)[:8, :8] / 4  # scipy doubles per axis
    p = hexbits(c - np.median(c) > 1e-6)
    g = area(y, 9, 8)
    return [p, hexbits(g[:, :-1] > g[:, 1:])]

def imagehash(path):
    im = Image.open(path).convert('L')
    px = np.asarray(im.resize((32, 32), Image.LANCZOS))
    c = scipy.fftpack.dct(scipy.fftpack.dct(px, axis=0), axis=1)[:8, :8]
    g = np.asarray(im.resize((9, 8), Image.LANCZOS)).astype(np.int64)
    return [hexbits(c > np.median(c)), hexbits(g[:, :-1] > g[:, 1:])]

print(json.dumps({p: {'ref': ours(p), 'imagehash': imagehash(p)} for p in sys.argv[1:]}))
`;

// Observed with OpenCV 4.6 / Pillow 9.4 (Debian 12): phash ≤ 2 bits from ImageHash, dhash median 7, max 13 —
// a 9×8 grid of a smooth downscale has near-equal neighbours, so dHash follows the resize filter (with
// Pillow's BOX filter instead of Lanczos the dhash gap falls to mean 0.5, max 3). Degraded copies: ≤ 2 bits.
const PHASH_VS_IMAGEHASH_MAX = 4;
const DHASH_VS_IMAGEHASH_MAX = 16;
const DEGRADED_MAX = 4;

type Refs = Record<string, { ref: [string, string]; imagehash: [string, string] }>;

function reference(paths: string[]): Refs {
  const r = spawnSync(PYTHON, ['-c', REFERENCE, ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`reference failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as Refs;
}

function hamming(a: string, b: string): number {
  let n = 0;
  for (let i = 0; i < 16; i++) n += (parseInt(a[i], 16) ^ parseInt(b[i], 16)).toString(2).replaceAll('0', '').length;
  return n;
}

let suite: ResolvedMetric[];
beforeAll(async () => {
  const registry = await MetricRegistry.load();
  suite = registry.resolveSuite({ name: 't', source: 't', metrics: [{ metric: 'perceptual_hash', params: {}, thresholds: {} }] }).metrics;
});

/** [phash, dhash] through the registry and `evaluate`, as the worker runs it. */
async function hashes(image: DecodedImage): Promise<[string, string]> {
  const ev = await evaluate(suite, { image, attributes: {} }, ctx);
  expect(ev.outcomes.map((o) => o.status)).toEqual(['ok']);
  expect(ev.scores).toEqual({});
  const f = ev.fingerprints!;
  expect(Object.keys(f).sort()).toEqual(['perceptual_hash.dhash', 'perceptual_hash.phash']);
  for (const v of Object.values(f)) expect(v).toMatch(/^[0-9a-f]{16}$/);
  return [f['perceptual_hash.phash'], f['perceptual_hash.dhash']];
}
const decode = (bytes: Buffer | Uint8Array) => decodeImage(bytes, limits);
const photo = (name: string) => decode(readFileSync(join(OPENCV_DATA, name)));

describe('perceptual_hash: the metric API', () => {
  it('is registered as fingerprints only', async () => {
    const def = (await MetricRegistry.load()).get('perceptual_hash')!;
    expect(def.scores).toEqual([]);
    expect(def.fingerprints).toEqual(['phash', 'dhash']);
  });
});

describe('perceptual_hash: parity on the parity image set (opencv-doc photographs and degradations)', () => {
  let set: ParitySet;
  let refs: Refs;
  const ours = new Map<string, [string, string]>();
  beforeAll(async () => {
    set = await paritySet();
    refs = reference(set.images.map((i) => join(set.dir, i.file)));
    for (const img of set.images) ours.set(img.file, await hashes(await loadParityImage(set, img.file)));
  }, 120_000);

  it('equals the independent implementation bit for bit on all 45 images', () => {
    expect(set.images).toHaveLength(45);
    const differing = set.images.filter((img) => refs[join(set.dir, img.file)].ref.join() !== ours.get(img.file)!.join());
    expect(differing.map((i) => i.file)).toEqual([]);
  });

  it('stays close to ImageHash (Lanczos resize, PIL luma) and reports the distances', () => {
    const d = set.images.map((img) => {
      const r = refs[join(set.dir, img.file)].imagehash;
      const o = ours.get(img.file)!;
      return [hamming(o[0], r[0]), hamming(o[1], r[1])];
    });
    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return { min: s[0], median: s[s.length >> 1], mean: +(s.reduce((a, b) => a + b, 0) / s.length).toFixed(2), max: s.at(-1)! };
    };
    const p = stats(d.map((x) => x[0]));
    const g = stats(d.map((x) => x[1]));
    console.info(
      `Hamming distance to the ImageHash recipe over ${d.length} images: phash ${JSON.stringify(p)}, dhash ${JSON.stringify(g)}`,
    );
    expect(p.max).toBeLessThanOrEqual(PHASH_VS_IMAGEHASH_MAX);
    expect(g.max).toBeLessThanOrEqual(DHASH_VS_IMAGEHASH_MAX);
  });

  it('keeps degraded copies near their original and different photographs far apart', () => {
    const rows: string[] = [];
    const originals = set.images.filter((i) => i.variant === 'original');
    for (const img of set.images.filter((i) => i.variant !== 'original')) {
      const [p, g] = ours.get(img.file)!;
      const [p0, g0] = ours.get(img.reference)!;
      rows.push(`${img.file}: phash ${hamming(p, p0)}, dhash ${hamming(g, g0)}`);
      expect(hamming(p, p0), img.file).toBeLessThanOrEqual(DEGRADED_MAX);
      expect(hamming(g, g0), img.file).toBeLessThanOrEqual(DEGRADED_MAX);
    }
    let nearest = 64;
    for (let i = 0; i < originals.length; i++) {
      for (let j = i + 1; j < originals.length; j++)
        nearest = Math.min(nearest, hamming(ours.get(originals[i].file)![0], ours.get(originals[j].file)![0]));
    }
    console.info(`distance to the original:\n  ${rows.join('\n  ')}\nclosest pair of different photographs: phash ${nearest}`);
    expect(nearest).toBeGreaterThan(16);
  });
});

describe('perceptual_hash: invariances on real photographs', () => {
  it('gives distance 0 for the same image, small for recompression or a brightness change, large for another photo', async () => {
    const bytes = readFileSync(join(OPENCV_DATA, 'fruits.jpg'));
    const [a1, a2] = await Promise.all([hashes(await decode(bytes)), hashes(await decode(Buffer.from(bytes)))]);
    expect(a2).toEqual(a1);
    const recompressed = await hashes(await decode(await sharp(bytes).jpeg({ quality: 75 }).toBuffer()));
    const brighter = await hashes(await decode(await sharp(bytes).linear(1, 10).png().toBuffer()));
    const other = await hashes(await photo('baboon.jpg'));
    const d = (x: [string, string]) => [hamming(x[0], a1[0]), hamming(x[1], a1[1])] as const;
    const show = (x: readonly number[]) => x.join(',');
    console.info(
      `fruits.jpg: recompressed q75 ${show(d(recompressed))}, +10 brightness ${show(d(brighter))}, baboon.jpg ${show(d(other))} (phash, dhash)`,
    );
    for (const x of [d(recompressed), d(brighter)]) {
      expect(x[0]).toBeLessThanOrEqual(2);
      expect(x[1]).toBeLessThanOrEqual(2);
    }
    expect(d(other)[0]).toBeGreaterThanOrEqual(20);
    expect(d(other)[1]).toBeGreaterThanOrEqual(20);
  });
});

describe('perceptual_hash: awkward input gets defined hashes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-phash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sizes: [number, number][] = [
    [2, 2],
    [3, 5],
    [9, 8],
    [31, 33],
    [33, 31],
    [64, 64],
    [4000, 3],
    [3, 4000],
    [1, 300],
    [300, 1],
  ];

  it('equals the independent implementation at sizes that up- and downscale by fractions', async () => {
    const files = sizes.map(([w, h]) => join(dir, `t${w}x${h}.png`));
    const ours: [string, string][] = [];
    for (let i = 0; i < sizes.length; i++) {
      const [w, h] = sizes[i];
      const png = await sharp(texturedRgb(w, h, w * 7 + h), rawOf(w, h))
        .png()
        .toBuffer();
      writeFileSync(files[i], png);
      ours.push(await hashes(await decode(png)));
    }
    const refs = reference(files);
    expect(ours).toEqual(files.map((f) => refs[f].ref));
  });

  it('hashes constant images, 1×1 included, to fixed values', async () => {
    const flat = async (w: number, h: number, v: number) =>
      hashes(
        await decode(
          await sharp(Buffer.alloc(w * h * 3, v), rawOf(w, h))
            .png()
            .toBuffer(),
        ),
      );
    // the DC coefficient is the only one above the (zero) median; no neighbour is brighter
    for (const [w, h] of [
      [1, 1],
      [2, 2],
      [57, 3],
      [640, 480],
    ])
      expect(await flat(w, h, 200)).toEqual(['8000000000000000', '0000000000000000']);
    expect(await flat(1, 1, 0)).toEqual(['0000000000000000', '0000000000000000']);
    expect(await flat(1, 1, 255)).toEqual(['8000000000000000', '0000000000000000']);
  });

  it('treats greyscale, alpha and 16-bit PNGs as their 8-bit RGB equivalents', async () => {
    const w = 120;
    const h = 90;
    const rgb = texturedRgb(w, h, 77);
    const base = await hashes(await decode(await sharp(rgb, rawOf(w, h)).png().toBuffer()));
    // greyscale: luma of (g, g, g) is g, so a grey PNG hashes like the RGB image of its grey values
    const grey = Buffer.alloc(w * h);
    for (let i = 0; i < w * h; i++) grey[i] = rgb[3 * i + 1];
    const greyRgb = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h * 3; i++) greyRgb[i] = grey[Math.floor(i / 3)];
    expect(
      await hashes(
        await decode(
          await sharp(grey, rawOf(w, h, 1))
            .png()
            .toBuffer(),
        ),
      ),
    ).toEqual(await hashes(await decode(await sharp(greyRgb, rawOf(w, h)).png().toBuffer())));
    // alpha: flattened onto white at decode; fully opaque alpha changes nothing
    const rgba = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], 255], 4 * i);
    expect(
      await hashes(
        await decode(
          await sharp(rgba, rawOf(w, h, 4))
            .png()
            .toBuffer(),
        ),
      ),
    ).toEqual(base);
    const halfTransparent = Buffer.from(rgba);
    for (let i = 0; i < w * h; i++) if (i % w < w / 2) halfTransparent[4 * i + 3] = 0;
    const flattened = Buffer.from(rgb);
    for (let i = 0; i < w * h; i++) if (i % w < w / 2) flattened.fill(255, 3 * i, 3 * i + 3);
    expect(
      await hashes(
        await decode(
          await sharp(halfTransparent, rawOf(w, h, 4))
            .png()
            .toBuffer(),
        ),
      ),
    ).toEqual(await hashes(await decode(await sharp(flattened, rawOf(w, h)).png().toBuffer())));
    // 16-bit: decoded to 8 bits per channel first
    const png16 = await sharp(rgb, rawOf(w, h)).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    const h16 = await hashes(await decode(png16));
    expect(hamming(h16[0], base[0]) + hamming(h16[1], base[1])).toBeLessThanOrEqual(1);
  });
});
