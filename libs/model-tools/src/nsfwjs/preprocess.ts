/**
 * nsfwjs's preprocessing (`NSFWJS.infer` in nsfwjs/dist/esm/core.js), reproduced step for step so the ONNX
 * model sees the pixels tfjs would: RGB → float32 / 255 → `tf.image.resizeBilinear(x, [224, 224],
 * alignCorners = true)` (skipped when the image is already 224×224) → the model. The resize runs on the
 * float values (no rounding back to 8 bits), with the arithmetic of tfjs-backend-cpu's ResizeBilinear kernel.
 */

import { resizeBilinearAlignCorners } from '@assay/models';

export { resizeBilinearAlignCorners };
export const NSFWJS_SIZE = 224;

/** float32(v / 255) per value, as tfjs's `toFloat().div(255)` stores it; interleaved HWC. */
export function scaleTo01(rgb: Uint8Array): Float32Array {
  const out = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) out[i] = rgb[i] / 255;
  return out;
}

/** Interleaved HWC → planar CHW. */
export function hwcToChw(src: Float32Array, height: number, width: number, channels: number): Float32Array {
  const out = new Float32Array(src.length);
  const plane = height * width;
  for (let p = 0; p < plane; p++) for (let d = 0; d < channels; d++) out[d * plane + p] = src[p * channels + d];
  return out;
}

/** The 224×224 HWC float image nsfwjs feeds its model (before batching). */
export function nsfwjsResized(image: { width: number; height: number; rgb: Uint8Array }, size = NSFWJS_SIZE): Float32Array {
  const x = scaleTo01(image.rgb);
  if (image.width === size && image.height === size) return x;
  return resizeBilinearAlignCorners(x, image.height, image.width, 3, size, size);
}

/** The ONNX model's `pixel_values` for one image: [1, 3, 224, 224] float32, NCHW. */
export function nsfwjsInput(image: { width: number; height: number; rgb: Uint8Array }, size = NSFWJS_SIZE): Float32Array {
  return hwcToChw(nsfwjsResized(image, size), size, size, 3);
}
