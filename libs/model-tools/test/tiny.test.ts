import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  generateTiny,
  mulberry32,
  TINY,
  TINY_IDS,
  tinyHeadScores,
  tinyImageEmbeds,
  tinyRewardScores,
  tinyTextEmbeds,
  tinyWeights,
  type GenerateTinyResult,
} from '@assay/model-tools';
import { maxAbsDiff, testEnv } from './helpers.js';

/** The tiny CI models in onnxruntime-node against the TypeScript reference of the same math and weights. */
const { dir, host } = testEnv('tiny');
const SEED = 42;
const TOLERANCE = 1e-5;
const w = tinyWeights(SEED);
let generated: GenerateTinyResult;

/** Real CLIP token ids (fixtures from ../shared/models/clip-bpe/SOURCE.md), padded with zeros to 77. */
const pad = (ids: number[]) => [...ids, ...new Array(TINY.context - ids.length).fill(0)];
const IDS = [
  pad([49406, 320, 1125, 539, 320, 2368, 49407]), // "a photo of a cat"
  pad([49406, 320, 1929, 49407]), // "a dog"
  pad([49406, 3055, 19622, 5780, 10929, 5771, 525, 320, 20617, 1922, 631, 1953, 49407]), // Apple CoreML sentence
  // a prompt cut at 77 tokens: the last id becomes the end token; token 0 ("!") and 49405 inside
  (() => {
    const rand = mulberry32(3);
    const row = [49406, ...Array.from({ length: 75 }, () => Math.floor(rand() * 49405)), 49407];
    row[5] = 0;
    row[6] = 49405;
    return row;
  })(),
];
const idsTensor = () => ({ type: 'int64' as const, data: BigInt64Array.from(IDS.flat().map(BigInt)), dims: [IDS.length, TINY.context] });

/** Normalized pixel values: CLIP-normalized values lie in about [−1.8, 2.2]. */
function pixels(batch: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: batch * 3 * TINY.size * TINY.size }, () => rand() * 4 - 1.8);
}

beforeAll(async () => {
  generated = generateTiny({ outDir: dir, seed: SEED });
  for (const m of generated.models) await host.load({ id: m.id, version: `seed-${SEED}`, path: m.onnx });
});

describe('tiny test models', () => {
  it('are deterministic: the same seed writes the same bytes, another seed other weights', () => {
    const again = generateTiny({ outDir: join(dir, 'again'), seed: SEED });
    expect(again.models.map((m) => m.sha256)).toEqual(generated.models.map((m) => m.sha256));
    const other = generateTiny({ outDir: join(dir, 'other'), seed: SEED + 1 });
    other.models.forEach((m, i) => expect(m.sha256).not.toBe(generated.models[i].sha256));
    expect(Buffer.from(tinyWeights(SEED).tokenEmbedding.buffer).equals(Buffer.from(w.tokenEmbedding.buffer))).toBe(true);
  });

  it('have the signatures their manifests describe', () => {
    const byId = Object.fromEntries(host.models().map((m) => [m.id, m]));
    for (const m of generated.models) {
      const manifest = parse(readFileSync(m.manifest, 'utf8'));
      const loaded = byId[m.id];
      expect(loaded.inputs).toEqual(
        manifest.inputs.map((i: { name: string; dtype: string; shape: unknown[] }) => ({ name: i.name, type: i.dtype, shape: i.shape })),
      );
      expect(loaded.outputs).toEqual(
        manifest.outputs.map((o: { name: string; dtype: string; shape: unknown[] }) => ({ name: o.name, type: o.dtype, shape: o.shape })),
      );
    }
  });

  it(`image encoder: image_embeds equal the reference within ${TOLERANCE}`, async () => {
    for (const [batch, seed] of [
      [1, 1],
      [3, 2],
    ]) {
      const px = pixels(batch, seed);
      const want = tinyImageEmbeds(w, px, batch);
      const res = await host.run(TINY_IDS.image, {
        pixel_values: { type: 'float32', data: px.slice(), dims: [batch, 3, TINY.size, TINY.size] },
      });
      expect(res.outputs.image_embeds.dims).toEqual([batch, TINY.dim]);
      expect(maxAbsDiff(res.outputs.image_embeds.data as Float32Array, want)).toBeLessThan(TOLERANCE);
      // the embeddings differ per image and are not all zero: the comparison means something
      expect(Math.max(...want.map(Math.abs))).toBeGreaterThan(0.05);
    }
  });

  it(`text encoder: text_embeds equal the reference within ${TOLERANCE}, up to the end token only`, async () => {
    const want = tinyTextEmbeds(w, IDS.flat(), IDS.length);
    const res = await host.run(TINY_IDS.text, { input_ids: idsTensor() });
    expect(res.outputs.text_embeds.dims).toEqual([IDS.length, TINY.dim]);
    expect(maxAbsDiff(res.outputs.text_embeds.data as Float32Array, want)).toBeLessThan(TOLERANCE);
    // padding after the end token does not count: other filler there gives the same embedding
    const filled = IDS[0].map((id, t) => (t > 6 ? 123 : id));
    const res2 = await host.run(TINY_IDS.text, {
      input_ids: { type: 'int64', data: BigInt64Array.from(filled.map(BigInt)), dims: [1, TINY.context] },
    });
    expect(maxAbsDiff(res2.outputs.text_embeds.data as Float32Array, want.subarray(0, TINY.dim))).toBeLessThan(TOLERANCE);
  });

  it(`embedding head: scores of L2-normalized embeddings equal the reference within ${TOLERANCE}`, async () => {
    const emb = tinyImageEmbeds(w, pixels(4, 5), 4);
    for (let b = 0; b < 4; b++) {
      const row = emb.subarray(b * TINY.dim, (b + 1) * TINY.dim);
      const n = Math.hypot(...row);
      row.forEach((v, j) => (row[j] = v / n));
    }
    const res = await host.run(TINY_IDS.head, { embedding: { type: 'float32', data: Float32Array.from(emb), dims: [4, TINY.dim] } });
    expect(res.outputs.score.dims).toEqual([4, 1]);
    expect(maxAbsDiff(res.outputs.score.data as Float32Array, tinyHeadScores(w, Float32Array.from(emb), 4))).toBeLessThan(TOLERANCE);
  });

  it(`image-text reward: score equals the reference within ${TOLERANCE}`, async () => {
    const px = pixels(IDS.length, 9);
    const want = tinyRewardScores(w, px, IDS.flat(), IDS.length);
    const res = await host.run(TINY_IDS.reward, {
      pixel_values: { type: 'float32', data: px.slice(), dims: [IDS.length, 3, TINY.size, TINY.size] },
      input_ids: idsTensor(),
    });
    expect(res.outputs.score.dims).toEqual([IDS.length, 1]);
    expect(maxAbsDiff(res.outputs.score.data as Float32Array, want)).toBeLessThan(TOLERANCE);
    // the reward model really is the two encoders: same weights as the standalone models
    const img = await host.run(TINY_IDS.image, {
      pixel_values: { type: 'float32', data: px.slice(), dims: [IDS.length, 3, TINY.size, TINY.size] },
    });
    const txt = await host.run(TINY_IDS.text, { input_ids: idsTensor() });
    const dots = IDS.map((_, b) => {
      let s = w.rewardBias[0];
      for (let j = 0; j < TINY.dim; j++)
        s +=
          (img.outputs.image_embeds.data as Float32Array)[b * TINY.dim + j] *
          (txt.outputs.text_embeds.data as Float32Array)[b * TINY.dim + j];
      return s;
    });
    expect(maxAbsDiff(res.outputs.score.data as Float32Array, dots)).toBeLessThan(TOLERANCE);
    expect(new Set(Array.from(want, (v) => v.toFixed(3))).size).toBe(IDS.length); // distinct scores per pair
  });
});
