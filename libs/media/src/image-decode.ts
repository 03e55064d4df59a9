import sharp from 'sharp';
import { AssayError, ErrorCode, type DecodeInfo } from '@assay/contracts';
import { readIccProfile } from './icc-profile.js';

export interface ImageLimits {
  maxBytes: number;
  /** the largest width × height accepted; checked from the header before any pixel is decoded */
  maxPixels: number;
}

/** 8-bit sRGB pixels, interleaved RGB, row-major: what every image metric reads. */
export interface DecodedImage {
  width: number;
  height: number;
  rgb: Uint8Array;
  info: DecodeInfo;
}

export const ALPHA_BACKGROUND = '#ffffff';
export const DECODER = `sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}`;

// libvips runs its own thread pool; one decode at a time per core is plenty next to the metrics.
sharp.concurrency(1);

function decodeFailure(err: unknown): AssayError {
  const message = (err as Error).message ?? String(err);
  if (/unsupported image format/i.test(message))
    return new AssayError(ErrorCode.DecodeError, 'not an image: no format this worker can decode');
  if (/pixel limit/i.test(message)) return new AssayError(ErrorCode.ImageTooLarge, message);
  return new AssayError(ErrorCode.DecodeError, `image could not be decoded: ${message}`);
}

/** libvips interpretations by the ICC colour space a profile must declare to apply to them. */
const PROFILE_SPACE: Record<string, string> = {
  srgb: 'RGB',
  rgb: 'RGB',
  rgb16: 'RGB',
  scrgb: 'RGB',
  'b-w': 'GRAY',
  grey16: 'GRAY',
  cmyk: 'CMYK',
};

/** What the embedded profile is and what libvips does with it when converting to sRGB. */
export function colourProfileOf(meta: Pick<sharp.Metadata, 'icc' | 'space'>): NonNullable<DecodeInfo['colourProfile']> {
  if (!meta.icc?.byteLength) return { handling: 'assumed_srgb' };
  const facts = readIccProfile(meta.icc);
  const embedded = facts?.description;
  if (!facts || facts.colourSpace !== PROFILE_SPACE[meta.space ?? ''])
    return { ...(embedded ? { embedded } : {}), handling: 'unsupported' };
  return { ...(embedded ? { embedded } : {}), handling: /\bsRGB\b/i.test(embedded ?? '') ? 'srgb' : 'converted_to_srgb' };
}

/**
 * Decodes under a byte and a pixel limit. The dimensions come from the header first, so a tiny file that
 * declares 40000×40000 is refused without allocating it. Conventions, recorded in `info`: EXIF orientation
 * applied; alpha flattened onto white; CMYK, grey and 16-bit inputs converted to 8-bit sRGB; an embedded
 * colour profile converted to sRGB (what a person sees; recorded in `colourProfile`); animated inputs scored
 * on their first frame.
 */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits): Promise<DecodedImage> {
  if (bytes.byteLength === 0) throw new AssayError(ErrorCode.EmptyContent, 'the asset is empty (0 bytes)');
  if (bytes.byteLength > limits.maxBytes) {
    throw new AssayError(ErrorCode.FileTooLarge, `the asset is ${bytes.byteLength} bytes; the limit is ${limits.maxBytes}`);
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw decodeFailure(err);
  }
  const { width, height } = meta;
  if (!width || !height) throw new AssayError(ErrorCode.DecodeError, 'the image header declares no dimensions');
  // For multi-page inputs, sharp reports the height of one page as pageHeight.
  const pageHeight = meta.pageHeight ?? height;
  if (width * pageHeight > limits.maxPixels) {
    throw new AssayError(
      ErrorCode.ImageTooLarge,
      `${width}×${pageHeight} is ${width * pageHeight} pixels; the limit is ${limits.maxPixels}`,
    );
  }
  const hasAlpha = Boolean(meta.hasAlpha);
  let pipeline = sharp(bytes, { limitInputPixels: limits.maxPixels, page: 0, pages: 1 }).autoOrient();
  if (hasAlpha) pipeline = pipeline.flatten({ background: ALPHA_BACKGROUND });
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    out = await pipeline.toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw decodeFailure(err);
  }
  if (out.info.channels !== 3) throw new AssayError(ErrorCode.DecodeError, `decoded to ${out.info.channels} channels, expected 3`);
  return {
    width: out.info.width,
    height: out.info.height,
    rgb: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength),
    info: {
      decoder: DECODER,
      format: meta.format ?? 'unknown',
      bytes: bytes.byteLength,
      width: out.info.width,
      height: out.info.height,
      sourceChannels: meta.channels ?? 0,
      sourceColourSpace: meta.space ?? 'unknown',
      sourceBitDepth: meta.depth ?? 'unknown',
      hasAlpha,
      alpha: hasAlpha ? `flattened:${ALPHA_BACKGROUND}` : 'none',
      pages: meta.pages ?? 1,
      scoredPage: 0,
      autoOriented: (meta.orientation ?? 1) > 1,
      pixelLimit: limits.maxPixels,
      byteLimit: limits.maxBytes,
      colourProfile: colourProfileOf(meta),
    },
  };
}

/** Resizes packed RGB (bilinear, like OpenCV's INTER_LINEAR default) for models with a fixed input grid. */
export async function resizeRgb(
  image: { width: number; height: number; rgb: Uint8Array },
  width: number,
  height: number,
): Promise<Uint8Array> {
  const data = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
