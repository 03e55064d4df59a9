#!/usr/bin/env node
/**
 * Writes the README's sample images from one real photograph (default: fruits.jpg from Debian's opencv-doc
 * package): the photo and degraded versions of it (blurred, noisy, over- and under-exposed, with stray
 * text), plus prompts.jsonl. Deterministic: same input, same bytes.
 *
 * usage: make-samples <out-dir> [source-photo]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/** Mulberry32: a tiny seeded PRNG, so the noisy sample is reproducible. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEFAULT_SOURCE = '/usr/share/doc/opencv-doc/examples/data/fruits.jpg';

async function main(dir: string, source: string) {
  mkdirSync(dir, { recursive: true });
  const { data: base, info } = await sharp(source).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const W = info.width;
  const H = info.height;
  const raw = { raw: { width: W, height: H, channels: 3 as const } };
  const jpeg = (img: sharp.Sharp) => img.jpeg({ quality: 92, mozjpeg: false }).toBuffer();

  const random = rng(42);
  const noisy = Buffer.from(base);
  for (let i = 0; i < noisy.length; i++) {
    // Box–Muller Gaussian, sigma 25
    const g = Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    noisy[i] = Math.max(0, Math.min(255, Math.round(noisy[i] + 25 * g)));
  }
  const files: Record<string, Buffer> = {
    'sharp.jpg': await jpeg(sharp(base, raw)),
    'blurred.jpg': await jpeg(sharp(base, raw).blur(4)),
    'noisy.jpg': await jpeg(sharp(noisy, raw)),
    'overexposed.jpg': await jpeg(sharp(base, raw).linear(1.9, 60)),
    'underexposed.jpg': await jpeg(sharp(base, raw).linear(0.25, -10)),
    'with-text.jpg': await jpeg(
      sharp(base, raw).composite([
        {
          input: Buffer.from(
            `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="12" y="${Math.round(H * 0.14)}" ` +
              `font-family="DejaVu Sans, sans-serif" font-size="${Math.round(W / 15)}" fill="#ffffff" stroke="#000000" ` +
              `stroke-width="2">SUMMER SALE 50% OFF</text></svg>`,
          ),
        },
      ]),
    ),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  const prompts = [
    { file: 'sharp.jpg', prompt: 'a still life of fresh fruit on a table, natural light, sharp focus', attributes: { variant: 'clean' } },
    {
      file: 'blurred.jpg',
      prompt: 'a still life of fresh fruit on a table, natural light, sharp focus',
      attributes: { variant: 'blurred' },
    },
    { file: 'noisy.jpg', prompt: 'a still life of fresh fruit on a table, natural light, sharp focus', attributes: { variant: 'noisy' } },
    {
      file: 'overexposed.jpg',
      prompt: 'a still life of fresh fruit on a table, natural light, sharp focus',
      attributes: { variant: 'overexposed' },
    },
    {
      file: 'underexposed.jpg',
      prompt: 'a still life of fresh fruit on a table, natural light, sharp focus',
      attributes: { variant: 'underexposed' },
    },
    { file: 'with-text.jpg', prompt: 'a still life of fresh fruit on a table, no text', attributes: { variant: 'stray-text' } },
  ];
  writeFileSync(join(dir, 'prompts.jsonl'), `${prompts.map((p) => JSON.stringify(p)).join('\n')}\n`);
  process.stdout.write(`wrote ${Object.keys(files).length} images and prompts.jsonl to ${dir}\n`);
}

await main(process.argv[2] ?? 'samples', process.argv[3] ?? DEFAULT_SOURCE);
