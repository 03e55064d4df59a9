import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { kerasToOnnx, mulberry32, type ModelJson } from '@assay/model-tools';
import { maxAbsDiff, testEnv } from './helpers.js';

/**
 * The Keras → ONNX conversion on a small functional model built in tfjs with random weights, for the
 * cases nsfwjs's MobileNetV2 does not exercise: SAME padding on strided convs and odd sizes (asymmetric
 * pads), a ZeroPadding2D that cannot be folded into a conv, depth multiplier 2 with biases, SAME average
 * pooling (which averages real pixels only), Flatten over spatial dims > 1 (NHWC order) and Dense layers.
 */
const { dir, host } = testEnv('keras-to-onnx');

function buildModel(): tf.LayersModel {
  const input = tf.input({ shape: [15, 17, 3], name: 'image' });
  const a = tf.layers
    .conv2d({ name: 'conv_same_s2', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', useBias: true })
    .apply(input) as tf.SymbolicTensor;
  const b = tf.layers.batchNormalization({ name: 'bn', epsilon: 1e-3 }).apply(a) as tf.SymbolicTensor;
  const c = tf.layers.reLU({ name: 'relu6', maxValue: 6 }).apply(b) as tf.SymbolicTensor;
  const d = tf.layers
    .depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same', useBias: true })
    .apply(c) as tf.SymbolicTensor;
  const e = tf.layers.conv2d({ name: 'pw', filters: 8, kernelSize: 1, useBias: false }).apply(d) as tf.SymbolicTensor;
  const padded = tf.layers
    .zeroPadding2d({
      name: 'pad',
      padding: [
        [1, 0],
        [0, 2],
      ],
    })
    .apply(e) as tf.SymbolicTensor;
  const pooled = tf.layers.averagePooling2d({ name: 'pool', poolSize: 3, strides: 2, padding: 'same' }).apply(padded) as tf.SymbolicTensor;
  const k = tf.layers
    .conv2d({ name: 'conv_valid', filters: 6, kernelSize: 2, padding: 'valid', useBias: true })
    .apply(pooled) as tf.SymbolicTensor;
  const sum = tf.layers
    .add({ name: 'add' })
    .apply([
      k,
      tf.layers.conv2d({ name: 'skip', filters: 6, kernelSize: 2, useBias: false }).apply(pooled) as tf.SymbolicTensor,
    ]) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'flatten' }).apply(sum) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ name: 'dense', units: 10, activation: 'relu' }).apply(flat) as tf.SymbolicTensor;
  const drop = tf.layers.dropout({ name: 'drop', rate: 0.5 }).apply(dense) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'out', units: 4, activation: 'softmax' }).apply(drop) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'synthetic' });
}

let model: tf.LayersModel;
let converted: ReturnType<typeof kerasToOnnx>;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = buildModel();
  // random weights everywhere, batch-norm statistics included; kernels scaled by fan-in so that the softmax
  // does not saturate (a saturated output would hide differences)
  const rand = mulberry32(7);
  model.setWeights(
    model.weights.map((w) => {
      const shape = w.shape as number[];
      const size = shape.reduce((a, b) => a * b, 1);
      const name = w.originalName;
      const fanIn = name.endsWith('depthwise_kernel') ? shape[0] * shape[1] : name.endsWith('kernel') ? size / shape[shape.length - 1] : 1;
      const draw = name.endsWith('variance') || name.endsWith('gamma') ? () => 0.5 + rand() : () => (rand() * 2 - 1) / Math.sqrt(fanIn);
      return tf.tensor(Float32Array.from({ length: size }, draw), shape);
    }),
  );
  const topology = model.toJSON(null, false) as unknown as ModelJson['modelTopology']['model_config'];
  const weights = new Map(
    model.weights.map((w) => [w.originalName, { shape: w.shape as number[], data: w.read().dataSync() as Float32Array }]),
  );
  converted = kerasToOnnx(
    { modelTopology: { keras_version: 'tfjs', backend: 'tfjs', model_config: topology }, weightsManifest: [] },
    weights,
    { inputName: 'x', outputName: 'y' },
  );
  const path = join(dir, 'synthetic.onnx');
  writeFileSync(path, converted.graph.toModel());
  await host.load({ id: 'synthetic', version: '1', path });
});

describe('kerasToOnnx', () => {
  it('maps the layers onto the expected ONNX ops and shapes', () => {
    expect(converted.inputShape).toEqual([3, 15, 17]);
    expect(converted.outputShape).toEqual([4]);
    expect(converted.outputActivation).toBe('softmax');
    // the ZeroPadding2D feeds a pool, so it stays a Pad; the Flatten sees 3×4 pixels, so it transposes first
    expect(converted.opCounts).toMatchObject({
      Conv: 5,
      Pad: 1,
      AveragePool: 1,
      Transpose: 1,
      Flatten: 1,
      Gemm: 2,
      Clip: 1,
      Softmax: 1,
      Add: 1,
    });
  });

  it('computes what tfjs computes, NHWC in tfjs and NCHW in ONNX', async () => {
    const rand = mulberry32(11);
    const batch = 3;
    const nhwc = Float32Array.from({ length: batch * 15 * 17 * 3 }, () => rand());
    const nchw = new Float32Array(nhwc.length);
    for (let n = 0; n < batch; n++)
      for (let y = 0; y < 15; y++)
        for (let x = 0; x < 17; x++)
          for (let c = 0; c < 3; c++) nchw[((n * 3 + c) * 15 + y) * 17 + x] = nhwc[((n * 15 + y) * 17 + x) * 3 + c];
    const theirs = tf.tidy(() => (model.predict(tf.tensor4d(nhwc, [batch, 15, 17, 3])) as tf.Tensor).dataSync());
    const res = await host.run('synthetic', { x: { type: 'float32', data: nchw, dims: [batch, 3, 15, 17] } });
    expect(res.outputs.y.dims).toEqual([batch, 4]);
    for (const p of theirs) expect(p).toBeGreaterThan(0.01); // not saturated
    expect(maxAbsDiff(res.outputs.y.data as Float32Array, theirs)).toBeLessThan(1e-5);
  });

  it('refuses what it cannot convert', () => {
    const topology = model.toJSON(null, false) as unknown as ModelJson['modelTopology']['model_config'];
    const layers = topology.config.layers.map((l) => (l.name === 'relu6' ? { ...l, class_name: 'PReLU' } : l));
    const weights = new Map(
      model.weights.map((w) => [w.originalName, { shape: w.shape as number[], data: w.read().dataSync() as Float32Array }]),
    );
    const broken = {
      modelTopology: { keras_version: 'tfjs', backend: 'tfjs', model_config: { ...topology, config: { ...topology.config, layers } } },
      weightsManifest: [],
    };
    expect(() => kerasToOnnx(broken, weights, { inputName: 'x', outputName: 'y' })).toThrow(/PReLU is not supported/);
    weights.set('extra/kernel', { shape: [1], data: new Float32Array(1) });
    expect(() =>
      kerasToOnnx({ ...broken, modelTopology: { ...broken.modelTopology, model_config: topology } }, weights, {
        inputName: 'x',
        outputName: 'y',
      }),
    ).toThrow(/not used by any layer: extra\/kernel/);
  });
});
