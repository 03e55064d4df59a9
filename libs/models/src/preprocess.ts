import sharp from 'sharp';
import type { TensorData } from '@assay/inference';
import type { ImagePreprocess, ModelInput } from './manifest.js';

export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

const KERNEL: Record<Exclude<ImagePreprocess['interpolation'], 'bilinear-align-corners'>, keyof sharp.KernelEnum> = {
  nearest: 'nearest',
  bilinear: 'linear',
  bicubic: 'cubic',
  lanczos3: 'lanczos3',
};

/**
 * Resize per the manifest: `fill` stretches; `shorter-side` scales the shorter side to the target and
 * (with crop `center`) cuts the centre — CLIP's Resize + CenterCrop; `longer-side` fits inside and pads
 * with black. libvips' kernels differ slightly from PIL's and OpenCV's (see docs/models.md).
 */
export async function resizeFor(image: RgbImage, p: ImagePreprocess): Promise<Uint8Array> {
  if (p.interpolation === 'bilinear-align-corners') throw new Error('bilinear-align-corners resizes float values: use imageTensor');
  const [width, height] = p.size;
  const fit = p.resize === 'fill' ? 'fill' : p.resize === 'longer-side' ? 'contain' : p.crop === 'center' ? 'cover' : 'outside';
  let pipeline = sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(width, height, {
    fit,
    position: 'centre',
    kernel: KERNEL[p.interpolation],
    background: { r: 0, g: 0, b: 0 },
  });
  if (fit === 'outside') pipeline = pipeline.extract({ left: 0, top: 0, width, height });
  const data = await pipeline.removeAlpha().raw().toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Bilinear resize of interleaved HWC float data with align-corners sampling (source = dest · (in − 1) /
 * (out − 1)) and no half-pixel centres, in the order of operations of tfjs-backend-cpu's ResizeBilinear.
 */
export function resizeBilinearAlignCorners(
  src: Float32Array,
  height: number,
  width: number,
  channels: number,
  newHeight: number,
  newWidth: number,
): Float32Array {
  if (src.length !== height * width * channels) throw new Error(`resize: ${src.length} values for ${height}×${width}×${channels}`);
  const out = new Float32Array(newHeight * newWidth * channels);
  const rowRatio = (newHeight > 1 ? height - 1 : height) / (newHeight > 1 ? newHeight - 1 : newHeight);
  const colRatio = (newWidth > 1 ? width - 1 : width) / (newWidth > 1 ? newWidth - 1 : newWidth);
  let o = 0;
  for (let r = 0; r < newHeight; r++) {
    const fr = rowRatio * r;
    const r0 = Math.max(0, Math.floor(fr));
    const r1 = Math.min(height - 1, Math.ceil(fr));
    const dr = fr - r0;
    for (let c = 0; c < newWidth; c++) {
      const fc = colRatio * c;
      const c0 = Math.max(0, Math.floor(fc));
      const c1 = Math.min(width - 1, Math.ceil(fc));
      const dc = fc - c0;
      const tl = (r0 * width + c0) * channels;
      const tr = (r0 * width + c1) * channels;
      const bl = (r1 * width + c0) * channels;
      const br = (r1 * width + c1) * channels;
      for (let d = 0; d < channels; d++) {
        const top = src[tl + d] + (src[tr + d] - src[tl + d]) * dc;
        const bottom = src[bl + d] + (src[br + d] - src[bl + d]) * dc;
        out[o++] = top + (bottom - top) * dr;
      }
    }
  }
  return out;
}

/** The scaled float image at the manifest size, for `bilinear-align-corners` (tfjs order: scale, then resize). */
function alignCornersPixels(image: RgbImage, p: ImagePreprocess): Float32Array {
  const scaled = new Float32Array(image.rgb.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = image.rgb[i] * p.scale;
  const [width, height] = p.size;
  if (image.width === width && image.height === height) return scaled;
  return resizeBilinearAlignCorners(scaled, image.height, image.width, 3, height, width);
}

/** An image input tensor exactly as the manifest describes it: size, colour order, scale, mean/std, layout. */
export async function imageTensor(image: RgbImage, input: ModelInput): Promise<TensorData> {
  const p = input.image;
  if (!p) throw new Error(`input ${input.name}: the manifest has no image preprocessing (the metric prepares it)`);
  const [width, height] = p.size;
  if (p.interpolation === 'bilinear-align-corners') {
    if (input.dtype !== 'float32') throw new Error(`input ${input.name}: bilinear-align-corners needs a float32 input`);
    const px = alignCornersPixels(image, p);
    const plane = width * height;
    const order = p.colorOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
    const nchw = input.layout !== 'NHWC';
    const data = new Float32Array(3 * plane);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++) data[nchw ? c * plane + i : i * 3 + c] = (px[i * 3 + order[c]] - p.mean[c]) / p.std[c];
    }
    return { type: 'float32', data, dims: nchw ? [1, 3, height, width] : [1, height, width, 3] };
  }
  const px = await resizeFor(image, p);
  const plane = width * height;
  const order = p.colorOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  if (input.dtype === 'uint8') {
    const data = new Uint8Array(3 * plane);
    for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = px[i * 3 + order[c]];
    return { type: 'uint8', data, dims: [1, height, width, 3] };
  }
  const data = new Float32Array(3 * plane);
  const nchw = input.layout !== 'NHWC';
  for (let c = 0; c < 3; c++) {
    const src = order[c];
    const a = p.scale / p.std[c];
    const b = -p.mean[c] / p.std[c];
    for (let i = 0; i < plane; i++) data[nchw ? c * plane + i : i * 3 + c] = px[i * 3 + src] * a + b;
  }
  return { type: 'float32', data, dims: nchw ? [1, 3, height, width] : [1, height, width, 3] };
}
