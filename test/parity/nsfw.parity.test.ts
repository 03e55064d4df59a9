import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { load, type NSFWJS } from 'nsfwjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceHost } from '@assay/inference';
import { decodeImage, type DecodedImage } from '@assay/media';
import { convertNsfwjs, NSFWJS_LABELS, NSFWJS_SIZE, nsfwjsInput, nsfwjsResized, type ConvertNsfwjsResult } from '@assay/model-tools';
import { imageTensor, type ModelManifest } from '@assay/models';
import { parse } from 'yaml';
import { OPENCV_DATA, quietLogger } from '../helpers/env.js';

/**
 * Our ONNX conversion of nsfwjs's MobileNetV2 (onnxruntime-node, fed by our TypeScript preprocessing) against
 * nsfwjs itself (its own `load()` and `infer()` on @tensorflow/tfjs's pure-JS CPU backend), on the same
 * decoded pixels. The resize is compared on its own first, so a mismatch shows whether it is in the
 * preprocessing or in the graph.
 */

const IMAGES = [
  'messi5.jpg', // people, sport
  'basketball1.png', // people indoors, greyscale
  'starry_night.jpg', // painting
  'graf1.png', // graffiti mural
  'HappyFish.jpg', // clip-art drawing
  'Blender_Suzanne1.jpg', // 3D render
  'baboon.jpg', // animal close-up
  'squirrel_cls.jpg', // animal
  'butterfly.jpg', // nature close-up
  'fruits.jpg', // objects
  'stuff.jpg', // objects on a table
  'ela_original.jpg', // product-like close-up
  'home.jpg', // architecture
  'aero3.jpg', // aerial view
];
const TOLERANCE = 1e-4;

let dir: string;
let converted: ConvertNsfwjsResult;
let nsfw: NSFWJS;
const host = new InferenceHost(['cpu'], quietLogger());
const decoded = new Map<string, DecodedImage>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-nsfw-parity-'));
  converted = convertNsfwjs({ outDir: dir });
  await host.load({ id: converted.id, version: converted.nsfwjsVersion, path: converted.onnx });
  await tf.setBackend('cpu');
  nsfw = await load('MobileNetV2');
  for (const file of IMAGES) decoded.set(file, await decodeImage(readFileSync(join(OPENCV_DATA, file)), { maxBytes: 1e9, maxPixels: 1e9 }));
}, 120_000);

afterAll(async () => {
  // nsfwjs disposes the intermediate model it built for infer(img, 'flatten_1') and then its own model, whose
  // layers the first shares: the second dispose finds them released and throws. Nothing is left held either way.
  try {
    nsfw?.dispose();
  } catch (err) {
    if (!/already disposed/.test((err as Error).message)) throw err;
  }
  await host.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** nsfwjs's input: the decoded pixels as an int32 HWC tensor, what `tf.browser.fromPixels` would give. */
const pixels = (img: DecodedImage) => tf.tensor3d(Int32Array.from(img.rgb), [img.height, img.width, 3], 'int32');

describe('nsfwjs MobileNetV2: ONNX conversion vs nsfwjs on tfjs', () => {
  it('runs on tfjs’s CPU backend, and the converter reports the graph it wrote', () => {
    expect(tf.getBackend()).toBe('cpu');
    expect(converted.opCounts).toMatchObject({ Conv: 52, BatchNormalization: 52, Clip: 35, Add: 10, Gemm: 3, Softmax: 1 });
    console.log(
      `converter: read ${converted.timings.readMs.toFixed(0)} ms, convert ${converted.timings.convertMs.toFixed(0)} ` +
        `ms, write ${converted.timings.writeMs.toFixed(0)} ms; ${converted.bytes} bytes`,
    );
  });

  it('resize: our align-corners bilinear equals tf.image.resizeBilinear on the same pixels, bit for bit', () => {
    for (const [file, img] of decoded) {
      expect(img.width === NSFWJS_SIZE && img.height === NSFWJS_SIZE, file).toBe(false);
      const theirs = tf.tidy(() =>
        tf.image.resizeBilinear(pixels(img).toFloat().div<tf.Tensor3D>(255), [NSFWJS_SIZE, NSFWJS_SIZE], true).dataSync(),
      );
      const ours = nsfwjsResized(img);
      let max = 0;
      for (let i = 0; i < ours.length; i++) max = Math.max(max, Math.abs(ours[i] - theirs[i]));
      // same float32 inputs, same double arithmetic in the same order as tfjs-backend-cpu's kernel
      expect(max, file).toBe(0);
    }
  });

  it('the manifest-driven preprocessing the workers use (imageTensor) feeds exactly nsfwjsInput', async () => {
    const manifest = parse(readFileSync(converted.manifest, 'utf8')) as ModelManifest;
    expect(manifest.inputs[0].image).toMatchObject({
      interpolation: 'bilinear-align-corners',
      resize: 'fill',
      size: [NSFWJS_SIZE, NSFWJS_SIZE],
    });
    for (const f of IMAGES) {
      const tensor = await imageTensor(decoded.get(f)!, manifest.inputs[0]);
      expect(Buffer.from((tensor.data as Float32Array).buffer).equals(Buffer.from(nsfwjsInput(decoded.get(f)!).buffer)), f).toBe(true);
    }
  });

  it(`class probabilities agree within ${TOLERANCE} on every image`, async () => {
    const files = [...decoded.keys()];
    const batch = new Float32Array(files.length * 3 * NSFWJS_SIZE * NSFWJS_SIZE);
    files.forEach((f, i) => batch.set(nsfwjsInput(decoded.get(f)!), i * 3 * NSFWJS_SIZE * NSFWJS_SIZE));
    const res = await host.run(converted.id, {
      pixel_values: { type: 'float32', data: batch, dims: [files.length, 3, NSFWJS_SIZE, NSFWJS_SIZE] },
    });
    expect(res.outputs.probabilities.dims).toEqual([files.length, NSFWJS_LABELS.length]);
    const ours = res.outputs.probabilities.data as Float32Array;

    const maxDiff = NSFWJS_LABELS.map(() => 0);
    const rows: string[] = [];
    const start = performance.now();
    for (const [i, file] of files.entries()) {
      const t = pixels(decoded.get(file)!);
      const out = nsfw.infer(t);
      const theirs = await out.data();
      out.dispose();
      t.dispose();
      const mine = ours.subarray(i * 5, i * 5 + 5);
      NSFWJS_LABELS.forEach((label, k) => {
        const d = Math.abs(mine[k] - theirs[k]);
        maxDiff[k] = Math.max(maxDiff[k], d);
        expect(d, `${file} ${label}: onnx ${mine[k]} vs nsfwjs ${theirs[k]}`).toBeLessThan(TOLERANCE);
      });
      expect(mine.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const top = (p: ArrayLike<number>) => NSFWJS_LABELS[Array.from(p).indexOf(Math.max(...Array.from(p)))];
      expect(top(mine), file).toBe(top(theirs));
      rows.push(`${file.padEnd(22)} ${top(theirs).padEnd(8)} ${Array.from(theirs, (v) => v.toFixed(4)).join(' ')}`);
    }
    const tfjsMs = performance.now() - start;
    console.log(
      [
        `nsfwjs parity on ${files.length} images (tfjs cpu ${(tfjsMs / files.length).toFixed(0)} ms/image, onnxruntime ` +
          `batch ${res.inferenceMs.toFixed(0)} ms):`,
        `${'image'.padEnd(22)} ${'top'.padEnd(8)} ${NSFWJS_LABELS.join(' ')}`,
        ...rows,
        `max |Δ| per class: ${NSFWJS_LABELS.map((l, k) => `${l} ${maxDiff[k].toExponential(2)}`).join(', ')}`,
      ].join('\n'),
    );
  }, 300_000);

  it(`the embedding output equals nsfwjs's own pooled features (infer(img, 'flatten_1')) within ${TOLERANCE}`, async () => {
    const files = [...decoded.keys()];
    const batch = new Float32Array(files.length * 3 * NSFWJS_SIZE * NSFWJS_SIZE);
    files.forEach((f, i) => batch.set(nsfwjsInput(decoded.get(f)!), i * 3 * NSFWJS_SIZE * NSFWJS_SIZE));
    const res = await host.run(converted.id, {
      pixel_values: { type: 'float32', data: batch, dims: [files.length, 3, NSFWJS_SIZE, NSFWJS_SIZE] },
    });
    expect(res.outputs.embedding.dims).toEqual([files.length, 1280]);
    const ours = res.outputs.embedding.data as Float32Array;
    let max = 0;
    let scale = 0;
    for (const [i, file] of files.entries()) {
      const t = pixels(decoded.get(file)!);
      const out = nsfw.infer(t, 'flatten_1');
      const theirs = await out.data();
      out.dispose();
      t.dispose();
      expect(theirs.length).toBe(1280);
      for (let k = 0; k < 1280; k++) {
        max = Math.max(max, Math.abs(ours[i * 1280 + k] - theirs[k]));
        scale = Math.max(scale, Math.abs(theirs[k]));
      }
    }
    console.log(
      `MobileNetV2 pooled features on ${files.length} images: max |Δ| ${max.toExponential(2)} (largest value ${scale.toFixed(2)})`,
    );
    expect(max).toBeLessThan(TOLERANCE);
  }, 300_000);
});
