import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { AssayError, ErrorCode } from '@assay/contracts';
import { colourProfileOf, decodeImage, readIccProfile } from '@assay/media';
import { OPENCV_DATA } from '../../../test/helpers/env.js';
import { pngDeclaring, rawOf, texturedRgb } from '../../../test/helpers/images.js';

const limits = { maxBytes: 10 * 1024 * 1024, maxPixels: 4096 * 4096 };
const codeOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AssayError);
  return (err as AssayError).code;
};

describe('decodeImage', () => {
  const rgb = texturedRgb(64, 48, 1);

  it('decodes RGB to interleaved 8-bit sRGB and records how', async () => {
    const img = await decodeImage(await sharp(rgb, rawOf(64, 48)).png().toBuffer(), limits);
    expect([img.width, img.height, img.rgb.length]).toEqual([64, 48, 64 * 48 * 3]);
    expect(Buffer.from(img.rgb).equals(rgb)).toBe(true);
    expect(img.info).toMatchObject({
      format: 'png',
      hasAlpha: false,
      alpha: 'none',
      pages: 1,
      sourceChannels: 3,
      pixelLimit: limits.maxPixels,
    });
    expect(img.info.decoder).toMatch(/^sharp .* \/ libvips /);
  });

  it('converts greyscale to three equal channels', async () => {
    const grey = Buffer.from(Array.from({ length: 16 * 16 }, (_, i) => i % 256));
    const img = await decodeImage(
      await sharp(grey, rawOf(16, 16, 1))
        .toColourspace('b-w')
        .png()
        .toBuffer(),
      limits,
    );
    expect(img.info.sourceChannels).toBe(1);
    expect([img.rgb[3 * 5], img.rgb[3 * 5 + 1], img.rgb[3 * 5 + 2]]).toEqual([5, 5, 5]);
  });

  it('flattens alpha onto white', async () => {
    const rgba = Buffer.alloc(8 * 8 * 4); // fully transparent black
    const img = await decodeImage(
      await sharp(rgba, rawOf(8, 8, 4))
        .png()
        .toBuffer(),
      limits,
    );
    expect(img.info).toMatchObject({ hasAlpha: true, alpha: 'flattened:#ffffff' });
    expect([...img.rgb.slice(0, 3)]).toEqual([255, 255, 255]);
  });

  it('reduces 16-bit input to 8 bits', async () => {
    const png16 = await sharp(rgb, rawOf(64, 48)).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    const img = await decodeImage(png16, limits);
    expect(img.info.sourceBitDepth).toBe('ushort');
    expect(Buffer.from(img.rgb).equals(rgb)).toBe(true);
  });

  it('converts CMYK to sRGB', async () => {
    const cmyk = await sharp(rgb, rawOf(64, 48)).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    const img = await decodeImage(cmyk, limits);
    expect(img.info.sourceColourSpace).toBe('cmyk');
    expect(img.rgb.length).toBe(64 * 48 * 3);
  });

  it('scores the first frame of an animated image', async () => {
    const red = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const blue = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0000ff' } })
      .png()
      .toBuffer();
    const gif = await sharp([red, blue], { join: { animated: true } })
      .gif()
      .toBuffer();
    const img = await decodeImage(gif, limits);
    expect(img.info).toMatchObject({ pages: 2, scoredPage: 0, width: 8, height: 8 });
    expect(img.rgb[0]).toBeGreaterThan(200);
    expect(img.rgb[2]).toBeLessThan(50);
  });

  it('applies EXIF orientation', async () => {
    const jpeg = await sharp(texturedRgb(40, 20, 2), rawOf(40, 20))
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const img = await decodeImage(jpeg, limits);
    expect([img.width, img.height, img.info.autoOriented]).toEqual([20, 40, true]);
  });

  it('refuses bad input with a reason code', async () => {
    const png = await sharp(rgb, rawOf(64, 48)).png().toBuffer();
    expect(await codeOf(decodeImage(new Uint8Array(), limits))).toBe(ErrorCode.EmptyContent);
    expect(await codeOf(decodeImage(Buffer.from('definitely not an image, just some text'), limits))).toBe(ErrorCode.DecodeError);
    expect(await codeOf(decodeImage(png.subarray(0, png.length / 2), limits))).toBe(ErrorCode.DecodeError);
    expect(await codeOf(decodeImage(png, { ...limits, maxBytes: 100 }))).toBe(ErrorCode.FileTooLarge);
  });

  it('refuses a tiny file declaring 40000×40000 from its header alone', async () => {
    const bomb = pngDeclaring(40_000, 40_000);
    expect(bomb.length).toBeLessThan(100);
    const before = process.memoryUsage().rss;
    const err = await decodeImage(bomb, limits).catch((e: AssayError) => e);
    expect((err as AssayError).code).toBe(ErrorCode.ImageTooLarge);
    expect((err as AssayError).message).toMatch(/40000×40000/);
    // 1.6 gigapixels × 3 bytes would be 4.8 GB; nothing close to that was allocated
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('colour profiles', () => {
  const profile = (name: string) => new Uint8Array(readFileSync(`/usr/share/color/icc/${name}`));

  it('reads a profile’s description (v2 desc and v4 mluc) and colour space; a malformed one is refused', () => {
    expect(readIccProfile(profile('compatibleWithAdobeRGB1998.icc'))).toEqual({
      description: 'Compatible with Adobe RGB (1998)',
      colourSpace: 'RGB',
    });
    expect(readIccProfile(profile('Gray.icc'))?.colourSpace).toBe('GRAY');
    const v4 = readIccProfile(profile('sRGB.icc'));
    expect(v4?.description).toMatch(/sRGB/);
    expect(readIccProfile(profile('compatibleWithAdobeRGB1998.icc').subarray(0, 200))).toBeUndefined();
    expect(readIccProfile(new Uint8Array(600))).toBeUndefined();
  });

  it('says what happens to each: assumed sRGB, sRGB, converted, or unsupported (malformed, or for another colour space)', () => {
    const adobe = Buffer.from(profile('compatibleWithAdobeRGB1998.icc'));
    expect(colourProfileOf({ space: 'srgb' })).toEqual({ handling: 'assumed_srgb' });
    expect(colourProfileOf({ space: 'srgb', icc: adobe })).toEqual({
      embedded: 'Compatible with Adobe RGB (1998)',
      handling: 'converted_to_srgb',
    });
    expect(colourProfileOf({ space: 'srgb', icc: Buffer.from(profile('sRGB.icc')) }).handling).toBe('srgb');
    expect(colourProfileOf({ space: 'srgb', icc: adobe.subarray(0, 200) })).toEqual({ handling: 'unsupported' });
    expect(colourProfileOf({ space: 'b-w', icc: adobe }).handling).toBe('unsupported');
    expect(colourProfileOf({ space: 'b-w', icc: Buffer.from(profile('Gray.icc')) }).handling).toBe('converted_to_srgb');
  });

  it('a JPEG tagged Adobe RGB is converted to sRGB on decoding (libvips and LittleCMS), and says so', async () => {
    const tagged = await sharp(readFileSync(`${OPENCV_DATA}/fruits.jpg`))
      .withIccProfile('/usr/share/color/icc/compatibleWithAdobeRGB1998.icc')
      .jpeg()
      .toBuffer();
    const image = await decodeImage(tagged, limits);
    expect(image.info.colourProfile).toEqual({ embedded: 'Compatible with Adobe RGB (1998)', handling: 'converted_to_srgb' });
    const plain = await decodeImage(readFileSync(`${OPENCV_DATA}/fruits.jpg`), limits);
    expect(plain.info.colourProfile).toEqual({ handling: 'assumed_srgb' });
  });
});
