import type { MediaFile } from './media-types.js';
import type { MediaContext } from './media-context.js';
import { primaryVideo } from './probe.js';

/** 8-bit formats whose first plane is Y and which `extractplanes=y` reads as they are. */
const PLANAR_YUV8 = /^(yuvj?(410|411|420|422|440|444)p|yuva(420|422|444)p|gray)$/;

/**
 * The pixel format the Y plane is taken from. 8-bit planar YUV is used as decoded, so the luma values are
 * exactly the stream's Y (no range or matrix conversion: what ffmpeg's psnr and ssim filters compare).
 * Anything else (RGB, palette, semi-planar, >8 bits) is converted by swscale to yuv420p first: BT.601
 * limited range for RGB sources, bit depth reduced for high-bit-depth ones.
 */
export function lumaPixelFormat(pixelFormat: string | undefined): string {
  return pixelFormat && PLANAR_YUV8.test(pixelFormat) ? pixelFormat : 'yuv420p';
}

/** The range of the Y values: `limited` (black 16, white 235) or `full` (0–255). */
export type LumaRange = 'limited' | 'full';

export function lumaRangeOf(file: MediaFile, context: MediaContext | undefined): LumaRange {
  const pixelFormat = file.probe.video?.pixelFormat;
  if (lumaPixelFormat(pixelFormat) !== pixelFormat) return 'limited';
  const range = context && primaryVideo(context.raw)?.color_range;
  if (range === 'pc') return 'full';
  if (range === 'tv') return 'limited';
  return /^(yuvj|gray)/.test(pixelFormat ?? '') ? 'full' : 'limited';
}

/** The longer side at most `maxSide`, aspect kept, both sides even (and at least 2). */
export function analysisSizeFor(width: number, height: number, maxSide: number): [number, number] {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const even = (v: number) => Math.max(2, 2 * Math.floor((v * scale) / 2));
  return [even(width), even(height)];
}

/** Native size, scaled down (aspect kept) when it has more than `maxPixels` pixels. */
export function sampleSizeFor(width: number, height: number, maxPixels: number): [number, number] {
  if (width * height <= maxPixels) return [width, height];
  const scale = Math.sqrt(maxPixels / (width * height));
  return [Math.max(1, Math.floor(width * scale)), Math.max(1, Math.floor(height * scale))];
}

/** Nominal frame rate for times when a frame has no pts: declared rate, else frames / duration, else 25. */
export function nominalFrameRate(file: MediaFile): number {
  const v = file.probe.video;
  if (v?.frameRate) return v.frameRate;
  const duration = v?.durationSeconds ?? file.probe.durationSeconds;
  if (v?.frames && duration) return v.frames / duration;
  return 25;
}
