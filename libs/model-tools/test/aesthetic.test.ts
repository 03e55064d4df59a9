import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { convertAesthetic, parseNpy, readLinearHead } from '@assay/model-tools';
import { maxAbsDiff, SHARED_MODELS, testEnv } from './helpers.js';

/**
 * The LAION aesthetic linear heads converted to ONNX and run in onnxruntime-node on the ten real CLIP
 * ViT-B/32 embeddings of the upstream repository; expected scores from ../shared/models/laion-aesthetic/SOURCE.md.
 */
const LAION = join(SHARED_MODELS, 'laion-aesthetic');
const EXPECTED = [-1.46995, 0.27279, 1.99002, 3.61142, 5.08744, 6.39255, 7.66817, 8.91545, 9.91661, 11.00558];
const { dir, host } = testEnv('aesthetic');

describe('LAION aesthetic heads as ONNX embedding-heads', () => {
  it('read the .f32le.bin layout: D weights then the bias (values from SOURCE.md)', () => {
    const b32 = readLinearHead(readFileSync(join(LAION, 'sa_0_4_vit_b_32_linear.f32le.bin')));
    expect(b32.weight.length).toBe(512);
    expect(b32.bias).toBeCloseTo(3.4214709, 6);
    [1.2080796, -0.1594819, -0.2843078, -1.410708].forEach((v, i) => expect(b32.weight[i]).toBeCloseTo(v, 6));
    const l14 = readLinearHead(readFileSync(join(LAION, 'sa_0_4_vit_l_14_linear.f32le.bin')));
    expect(l14.weight.length).toBe(768);
    expect(l14.bias).toBeCloseTo(3.5293717, 6);
    expect(l14.weight[0]).toBeCloseTo(1.8727205, 6);
    expect(l14.weight[1]).toBeCloseTo(-2.8512669, 6);
  });

  it('vit_b_32: scores the ten rating embeddings as SOURCE.md says, rising strictly with the rating', async () => {
    const head = convertAesthetic({ bin: join(LAION, 'sa_0_4_vit_b_32_linear.f32le.bin'), clipModel: 'clip-vit-b32-image', outDir: dir });
    const manifest = parse(readFileSync(head.manifest, 'utf8'));
    expect(manifest).toMatchObject({
      id: 'laion-aesthetic-vit-b32',
      task: 'embedding-head',
      sha256: head.sha256,
      inputs: [
        {
          name: 'embedding',
          dtype: 'float32',
          shape: ['batch', 512],
          source: 'embedding',
          from: { model: 'clip-vit-b32-image', normalize: 'l2' },
        },
      ],
      outputs: [{ name: 'score', dtype: 'float32', shape: ['batch', 1], meaning: 'score' }],
    });
    const model = await host.load({ id: head.id, version: manifest.version, path: head.onnx });
    expect(model.inputs).toEqual([{ name: 'embedding', type: 'float32', shape: ['batch', 512] }]);
    expect(model.outputs).toEqual([{ name: 'score', type: 'float32', shape: ['batch', 1] }]);

    const embeddings = new Float32Array(10 * 512);
    for (let r = 0; r < 10; r++) {
      const npy = parseNpy(readFileSync(join(LAION, 'vit_b_32_embeddings', `rating${r}.npy`)));
      expect(npy.shape).toEqual([1, 512]);
      expect(Math.hypot(...npy.data)).toBeCloseTo(1, 6); // already L2-normalized, as the head expects
      embeddings.set(npy.data, r * 512);
    }
    const res = await host.run(head.id, { embedding: { type: 'float32', data: embeddings, dims: [10, 512] } });
    expect(res.outputs.score.dims).toEqual([10, 1]);
    const scores = Array.from(res.outputs.score.data as Float32Array);
    console.log(
      `aesthetic vit_b_32 scores: ${scores.map((s) => s.toFixed(5)).join(', ')}; max |Δ| vs SOURCE.md ${maxAbsDiff(scores, EXPECTED).toExponential(2)}`,
    );
    scores.forEach((s, r) => expect(Math.abs(s - EXPECTED[r]), `rating${r}: ${s}`).toBeLessThan(1e-4));
    for (let r = 1; r < 10; r++) expect(scores[r]).toBeGreaterThan(scores[r - 1]);
  });

  it('vit_l_14: a 768-d head whose ONNX output is w · e + b', async () => {
    const head = convertAesthetic({ bin: join(LAION, 'sa_0_4_vit_l_14_linear.f32le.bin'), clipModel: 'clip-vit-l14-image', outDir: dir });
    expect(head).toMatchObject({ id: 'laion-aesthetic-vit-l14', dim: 768 });
    const model = await host.load({ id: head.id, version: 'v1', path: head.onnx });
    expect(model.inputs).toEqual([{ name: 'embedding', type: 'float32', shape: ['batch', 768] }]);
    const { weight, bias } = readLinearHead(readFileSync(join(LAION, 'sa_0_4_vit_l_14_linear.f32le.bin')));
    // unit vectors: the first basis vector, the normalized weight itself (the head's maximum), and a uniform one
    const norm = Math.hypot(...weight);
    const inputs = [
      Array.from({ length: 768 }, (_, i) => (i === 0 ? 1 : 0)),
      Array.from(weight, (v) => v / norm),
      Array.from({ length: 768 }, () => 1 / Math.sqrt(768)),
    ];
    const res = await host.run(head.id, { embedding: { type: 'float32', data: Float32Array.from(inputs.flat()), dims: [3, 768] } });
    const want = inputs.map((e) => e.reduce((s, v, i) => s + v * weight[i], bias));
    expect(want[1]).toBeCloseTo(norm + bias, 4);
    expect(maxAbsDiff(res.outputs.score.data as Float32Array, want)).toBeLessThan(1e-4);
  });
});
