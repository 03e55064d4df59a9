/**
 * LAION-Aesthetics Predictor V1 linear heads (github.com/LAION-AI/aesthetic-predictor, MIT) → ONNX
 * `embedding-head`: score = w · e + b on an L2-normalized CLIP image embedding e.
 * Input: the `.f32le.bin` form of `sa_0_4_vit_*_linear.pth` (D float32 little-endian weights, then the bias).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { attr, GraphBuilder, tensor } from '@assay/onnx-builder';
import { sha256, writeModel, type WrittenModel } from './manifest.js';

export interface LinearHead {
  weight: Float32Array;
  bias: number;
}

export function readLinearHead(bytes: Uint8Array): LinearHead {
  if (bytes.byteLength % 4 !== 0 || bytes.byteLength < 8)
    throw new Error(`a linear head is D + 1 float32 values; got ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const d = bytes.byteLength / 4 - 1;
  const weight = new Float32Array(d);
  for (let i = 0; i < d; i++) weight[i] = view.getFloat32(i * 4, true);
  return { weight, bias: view.getFloat32(d * 4, true) };
}

/** The ONNX graph: `embedding` [batch, D] → Gemm with the 1×D weight row → `score` [batch, 1]. */
export function linearHeadGraph(head: LinearHead, name: string): GraphBuilder {
  const d = head.weight.length;
  const g = new GraphBuilder(name);
  const e = g.input('embedding', 'float32', ['batch', d]);
  const w = g.initializer('weight', tensor.float32([1, d], head.weight));
  const b = g.initializer('bias', tensor.float32([1], [head.bias]));
  g.op('Gemm', [e, w, b], { transB: attr.int(1) }, { output: 'score' });
  g.output('score', 'float32', ['batch', 1]);
  return g;
}

export interface ConvertAestheticOptions {
  /** path to `sa_0_4_vit_b_32_linear.f32le.bin` or `sa_0_4_vit_l_14_linear.f32le.bin` */
  bin: string;
  /** manifest id of the CLIP image model whose embeddings feed the head */
  clipModel: string;
  outDir: string;
  /** default `laion-aesthetic-vit-b32` / `laion-aesthetic-vit-l14` from the file name (the `aesthetic` metric's naming) */
  id?: string;
}

export interface ConvertAestheticResult extends WrittenModel {
  dim: number;
  bias: number;
  timings: { convertMs: number };
}

export function convertAesthetic(options: ConvertAestheticOptions): ConvertAestheticResult {
  const t0 = performance.now();
  const bytes = new Uint8Array(readFileSync(options.bin));
  const head = readLinearHead(bytes);
  const stem = basename(options.bin).replace(/\.f32le\.bin$/, '');
  const variant = /vit_([a-z])_(\d+)/.exec(stem)?.slice(1).join(''); // vit_b_32 → b32
  const id = options.id ?? (variant ? `laion-aesthetic-vit-${variant}` : `laion-aesthetic-d${head.weight.length}`);
  const source =
    `github.com/LAION-AI/aesthetic-predictor ${stem}.pth (nn.Linear(${head.weight.length}, 1)), ` +
    `read from ${basename(options.bin)} (sha256 ${sha256(bytes)}); converted by @assay/model-tools convert-aesthetic`;
  const onnx = linearHeadGraph(head, id).toModel({ docString: source, metadata: { source, license: 'MIT' } });
  const written = writeModel(
    options.outDir,
    onnx,
    {
      id,
      version: 'v1',
      task: 'embedding-head',
      license: 'MIT (LAION-AI/aesthetic-predictor, Copyright (c) 2022 LAION AI)',
      source,
      inputs: [
        {
          name: 'embedding',
          dtype: 'float32',
          shape: ['batch', head.weight.length],
          layout: 'NC',
          source: 'embedding',
          from: { model: options.clipModel, normalize: 'l2' },
        },
      ],
      outputs: [{ name: 'score', dtype: 'float32', shape: ['batch', 1], meaning: 'score' }],
    },
    ['LAION aesthetic score (roughly 1..10): w · e + b on the L2-normalized CLIP image embedding e.'],
  );
  return { ...written, dim: head.weight.length, bias: head.bias, timings: { convertMs: performance.now() - t0 } };
}
