/**
 * The tiny models' ONNX graphs. The encoders are functions over a GraphBuilder so the image-text reward
 * model reuses them (with the same weights) inside one graph.
 */
import { attr, GraphBuilder, tensor } from '@assay/onnx-builder';
import { TINY, type TinyWeights } from './weights.js';

const { size, convChannels: C, dim: D, vocab, context } = TINY;

/** pixel_values [b, 3, 32, 32] → Conv 3×3/2 → Relu → GlobalAveragePool → Flatten → Gemm → [b, 16] */
export function addImageEncoder(g: GraphBuilder, w: TinyWeights, pixels: string, output: string, prefix = 'image'): string {
  const conv = g.op(
    'Conv',
    [
      pixels,
      g.initializer(`${prefix}/conv.weight`, tensor.float32([C, 3, 3, 3], w.convW)),
      g.initializer(`${prefix}/conv.bias`, tensor.float32([C], w.convB)),
    ],
    {
      kernel_shape: attr.ints([3, 3]),
      strides: attr.ints([2, 2]),
      pads: attr.ints([1, 1, 1, 1]),
    },
  );
  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [g.op('Relu', [conv])])], { axis: attr.int(1) });
  const projW = g.initializer(`${prefix}/proj.weight`, tensor.float32([D, C], w.imageProjW));
  return g.op(
    'Gemm',
    [pooled, projW, g.initializer(`${prefix}/proj.bias`, tensor.float32([D], w.imageProjB))],
    { transB: attr.int(1) },
    { output },
  );
}

/**
 * input_ids [b, 77] → Gather from the 49408×16 table → mean over the tokens up to and including the end
 * token (located as CLIP does: argmax of the ids) → Gemm → [b, 16]
 */
export function addTextEncoder(g: GraphBuilder, w: TinyWeights, ids: string, output: string, prefix = 'text'): string {
  const emb = g.op('Gather', [g.initializer(`${prefix}/token_embedding`, tensor.float32([vocab, D], w.tokenEmbedding)), ids], {
    axis: attr.int(0),
  });
  const eot = g.op('ArgMax', [ids], { axis: attr.int(1), keepdims: attr.int(1) }); // first highest id, as in CLIP
  const positions = g.initializer(
    `${prefix}/positions`,
    tensor.int64(
      [1, context],
      Array.from({ length: context }, (_, i) => i),
    ),
  );
  const mask = g.op('Cast', [g.op('LessOrEqual', [positions, eot])], { to: attr.int(1) });
  const axis1 = g.initializer(`${prefix}/axis1`, tensor.int64([1], [1]));
  const masked = g.op('Mul', [emb, g.op('Unsqueeze', [mask, g.initializer(`${prefix}/axis2`, tensor.int64([1], [2]))])]);
  const sum = g.op('ReduceSum', [masked, axis1], { keepdims: attr.int(0) });
  const count = g.op('ReduceSum', [mask, axis1], { keepdims: attr.int(1) });
  const mean = g.op('Div', [sum, count]);
  const projW = g.initializer(`${prefix}/proj.weight`, tensor.float32([D, D], w.textProjW));
  return g.op(
    'Gemm',
    [mean, projW, g.initializer(`${prefix}/proj.bias`, tensor.float32([D], w.textProjB))],
    { transB: attr.int(1) },
    { output },
  );
}

export function imageEncoderGraph(w: TinyWeights): GraphBuilder {
  const g = new GraphBuilder('tiny-clip-image');
  addImageEncoder(g, w, g.input('pixel_values', 'float32', ['batch', 3, size, size]), 'image_embeds');
  g.output('image_embeds', 'float32', ['batch', D]);
  return g;
}

export function textEncoderGraph(w: TinyWeights): GraphBuilder {
  const g = new GraphBuilder('tiny-clip-text');
  addTextEncoder(g, w, g.input('input_ids', 'int64', ['batch', context]), 'text_embeds');
  g.output('text_embeds', 'float32', ['batch', D]);
  return g;
}

/** embedding [b, 16] → Gemm → score [b, 1] */
export function headGraph(w: TinyWeights): GraphBuilder {
  const g = new GraphBuilder('tiny-aesthetic-head');
  const e = g.input('embedding', 'float32', ['batch', D]);
  g.op(
    'Gemm',
    [e, g.initializer('head.weight', tensor.float32([1, D], w.headW)), g.initializer('head.bias', tensor.float32([1], w.headB))],
    { transB: attr.int(1) },
    { output: 'score' },
  );
  g.output('score', 'float32', ['batch', 1]);
  return g;
}

/** score [b, 1] = Σ image_embeds · text_embeds + bias */
export function rewardGraph(w: TinyWeights): GraphBuilder {
  const g = new GraphBuilder('tiny-image-reward');
  const img = addImageEncoder(g, w, g.input('pixel_values', 'float32', ['batch', 3, size, size]), 'image_embeds');
  const txt = addTextEncoder(g, w, g.input('input_ids', 'int64', ['batch', context]), 'text_embeds');
  const dot = g.op('ReduceSum', [g.op('Mul', [img, txt]), g.initializer('axis1', tensor.int64([1], [1]))], { keepdims: attr.int(1) });
  g.op('Add', [dot, g.initializer('reward.bias', tensor.float32([1], w.rewardBias))], {}, { output: 'score' });
  g.output('score', 'float32', ['batch', 1]);
  return g;
}
