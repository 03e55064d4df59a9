import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** Mulberry32: seeded, so generated images are the same in every run. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A textured RGB test image: smooth gradients, hard-edged blocks and seeded grain. */
export function texturedRgb(width: number, height: number, seed: number): Buffer {
  const random = rng(seed);
  const px = Buffer.alloc(width * height * 3);
  const blocks = Array.from({ length: 6 }, () => ({
    x: random() * width,
    y: random() * height,
    s: 10 + random() * width * 0.3,
    c: [random() * 255, random() * 255, random() * 255],
  }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      let rgb = [(x / width) * 200 + 20, (y / height) * 180 + 30, ((x + y) / (width + height)) * 150 + 50];
      for (const b of blocks) if (Math.abs(x - b.x) < b.s / 2 && Math.abs(y - b.y) < b.s / 2) rgb = b.c;
      for (let c = 0; c < 3; c++) px[i + c] = Math.max(0, Math.min(255, Math.round(rgb[c] + (random() - 0.5) * 30)));
    }
  }
  return px;
}

export const rawOf = (width: number, height: number, channels: 1 | 2 | 3 | 4 = 3) => ({ raw: { width, height, channels } });

export async function pngOf(rgb: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(rgb, rawOf(width, height)).png().toBuffer();
}

/** A valid PNG header declaring width × height, with (almost) no pixel data: it must be refused unread. */
export function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
