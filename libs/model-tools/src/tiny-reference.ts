/**
 * The tiny models' math in plain TypeScript (float64), from the same seeded weights: what the ONNX graphs
 * must compute. Written from the model description, not from the graphs.
 */
import { TINY, type TinyWeights } from './tiny/weights.js';

const { size, convChannels: C, dim: D, context } = TINY;

/** pixel_values [batch, 3, 32, 32] (already normalized) → image_embeds [batch, 16] */
export function tinyImageEmbeds(w: TinyWeights, pixels: Float32Array, batch: number): Float64Array {
  const out = new Float64Array(batch * D);
  const half = size / 2; // 3×3 conv, stride 2, padding 1
  for (let b = 0; b < batch; b++) {
    const pooled = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      let total = 0;
      for (let oy = 0; oy < half; oy++)
        for (let ox = 0; ox < half; ox++) {
          let v = w.convB[c];
          for (let ic = 0; ic < 3; ic++)
            for (let ky = 0; ky < 3; ky++)
              for (let kx = 0; kx < 3; kx++) {
                const y = oy * 2 - 1 + ky;
                const x = ox * 2 - 1 + kx;
                if (y < 0 || x < 0 || y >= size || x >= size) continue;
                v += w.convW[((c * 3 + ic) * 3 + ky) * 3 + kx] * pixels[((b * 3 + ic) * size + y) * size + x];
              }
          total += Math.max(0, v);
        }
      pooled[c] = total / (half * half);
    }
    for (let j = 0; j < D; j++) {
      let v = w.imageProjB[j];
      for (let c = 0; c < C; c++) v += w.imageProjW[j * C + c] * pooled[c];
      out[b * D + j] = v;
    }
  }
  return out;
}

/** input_ids [batch, 77] → text_embeds [batch, 16]: mean of token embeddings through the first highest id (the end token). */
export function tinyTextEmbeds(w: TinyWeights, ids: ArrayLike<number | bigint>, batch: number): Float64Array {
  const out = new Float64Array(batch * D);
  for (let b = 0; b < batch; b++) {
    const row = Array.from({ length: context }, (_, t) => Number(ids[b * context + t]));
    const eot = row.indexOf(Math.max(...row));
    const mean = new Float64Array(D);
    for (let t = 0; t <= eot; t++) for (let j = 0; j < D; j++) mean[j] += w.tokenEmbedding[row[t] * D + j] / (eot + 1);
    for (let j = 0; j < D; j++) {
      let v = w.textProjB[j];
      for (let k = 0; k < D; k++) v += w.textProjW[j * D + k] * mean[k];
      out[b * D + j] = v;
    }
  }
  return out;
}

/** embedding [batch, 16] → score [batch] */
export function tinyHeadScores(w: TinyWeights, embedding: ArrayLike<number>, batch: number): Float64Array {
  return Float64Array.from({ length: batch }, (_, b) => {
    let v = w.headB[0];
    for (let j = 0; j < D; j++) v += w.headW[j] * embedding[b * D + j];
    return v;
  });
}

/** (pixel_values, input_ids) → score [batch] = image_embeds · text_embeds + bias */
export function tinyRewardScores(w: TinyWeights, pixels: Float32Array, ids: ArrayLike<number | bigint>, batch: number): Float64Array {
  const img = tinyImageEmbeds(w, pixels, batch);
  const txt = tinyTextEmbeds(w, ids, batch);
  return Float64Array.from({ length: batch }, (_, b) => {
    let v = w.rewardBias[0];
    for (let j = 0; j < D; j++) v += img[b * D + j] * txt[b * D + j];
    return v;
  });
}
