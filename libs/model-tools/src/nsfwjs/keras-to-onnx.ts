/**
 * Keras functional (layers) model → ONNX graph, for the layer kinds MobileNetV2-style classifiers use. Keras
 * is channels-last; the ONNX graph is NCHW throughout (what ONNX's Conv wants), so kernels are transposed
 * here and only a Flatten over spatial dims > 1 needs an NHWC transpose back.
 */
import { attr, GraphBuilder, tensor } from '@assay/onnx-builder';
import type { KerasLayer, ModelJson } from './artifacts.js';

type Weights = Map<string, { shape: number[]; data: Float32Array }>;

/** A value in the ONNX graph with its static shape, NCHW (batch first, symbolic). */
interface Value {
  name: string;
  /** shape without the batch dim: [C, H, W] for images, [N] for vectors */
  shape: number[];
  /** a ZeroPadding2D folded into the consuming conv: `name` is the unpadded value, `shape` the padded one */
  pads?: [top: number, left: number, bottom: number, right: number];
}

export interface KerasToOnnxOptions {
  inputName: string;
  outputName: string;
  /** the symbolic batch dim */
  batch?: string;
  /** intermediate layers also exposed as graph outputs (e.g. the pooled features under the classifier head) */
  extraOutputs?: { layer: string; name: string }[];
}

export interface KerasToOnnxResult {
  graph: GraphBuilder;
  inputShape: number[];
  outputShape: number[];
  /** shapes of `extraOutputs` by output name (without the batch dim) */
  extraOutputShapes: Record<string, number[]>;
  /** the final layer's activation: `softmax` means the output is probabilities */
  outputActivation: string;
  /** Keras layer kind → number of layers converted */
  layerCounts: Record<string, number>;
  /** ONNX op → number of nodes */
  opCounts: Record<string, number>;
}

const cfg = <T>(layer: KerasLayer, key: string): T => {
  if (!(key in layer.config)) throw new Error(`layer ${layer.name}: config has no ${key}`);
  return layer.config[key] as T;
};

/** TensorFlow's SAME padding: output ceil(in / stride), any odd pixel of padding goes after. */
function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const convOut = (size: number, kernel: number, stride: number, dilation: number, before: number, after: number) =>
  Math.floor((size + before + after - (kernel - 1) * dilation - 1) / stride) + 1;

export function kerasToOnnx(modelJson: ModelJson, weights: Weights, options: KerasToOnnxOptions): KerasToOnnxResult {
  const { layers, input_layers, output_layers } = modelJson.modelTopology.model_config.config;
  if (input_layers.length !== 1 || output_layers.length !== 1) throw new Error('only single-input, single-output models are supported');
  const batch = options.batch ?? 'batch';
  const g = new GraphBuilder(modelJson.modelTopology.model_config.config.name);
  const values = new Map<string, Value>();
  const used = new Set<string>();
  const layerCounts: Record<string, number> = {};
  const opCounts: Record<string, number> = {};
  let inputShape: number[] = [];
  let outputActivation = 'linear';

  const op = (type: string, inputs: string[], attrs = {}) => {
    opCounts[type] = (opCounts[type] ?? 0) + 1;
    return g.op(type, inputs, attrs);
  };
  const weight = (layer: KerasLayer, suffix: string) => {
    const w = weights.get(`${layer.name}/${suffix}`);
    if (!w) throw new Error(`layer ${layer.name}: weight ${suffix} is missing`);
    used.add(`${layer.name}/${suffix}`);
    return w;
  };
  const vector = (layer: KerasLayer, suffix: string) => {
    const v = weight(layer, suffix);
    return g.initializer(`${layer.name}/${suffix}`, tensor.float32([v.data.length], v.data));
  };
  const activation = (layer: KerasLayer, x: string): string => {
    const a = (layer.config.activation as string | undefined) ?? 'linear';
    if (a === 'linear') return x;
    if (a === 'relu') return op('Relu', [x]);
    if (a === 'relu6') return op('Clip', [x, g.constant(tensor.float32([], [0])), g.constant(tensor.float32([], [6]))]);
    if (a === 'softmax') return op('Softmax', [x], { axis: attr.int(-1) });
    if (a === 'sigmoid') return op('Sigmoid', [x]);
    if (a === 'tanh') return op('Tanh', [x]);
    throw new Error(`layer ${layer.name}: activation ${a} is not supported`);
  };
  const consumers = new Map<string, string[]>();
  for (const l of layers)
    for (const node of l.inbound_nodes) for (const [src] of node) consumers.set(src, [...(consumers.get(src) ?? []), l.name]);
  const byName = new Map(layers.map((l) => [l.name, l]));

  const conv = (layer: KerasLayer, x: Value, kernel: string, depthwise: boolean): Value => {
    const k = weight(layer, kernel);
    const [kh, kw, cin, m] = k.shape; // Conv2D: [kh, kw, in, out]; DepthwiseConv2D: [kh, kw, in, multiplier]
    if (cin !== x.shape[0]) throw new Error(`layer ${layer.name}: kernel expects ${cin} channels, input has ${x.shape[0]}`);
    const cout = depthwise ? cin * m : m;
    // ONNX weight [out, in/groups, kh, kw]; a depthwise output channel c·m + j reads input channel c
    const w = new Float32Array(k.data.length);
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let c = 0; c < cin; c++)
          for (let o = 0; o < m; o++) {
            const src = ((i * kw + j) * cin + c) * m + o;
            w[depthwise ? ((c * m + o) * kh + i) * kw + j : ((o * cin + c) * kh + i) * kw + j] = k.data[src];
          }
    const [sh, sw] = cfg<number[]>(layer, 'strides');
    const [dh, dw] = cfg<number[]>(layer, 'dilation_rate');
    const [, H, W] = x.shape;
    const extra = x.pads ?? [0, 0, 0, 0];
    const padding = cfg<string>(layer, 'padding');
    if (padding !== 'same' && padding !== 'valid') throw new Error(`layer ${layer.name}: padding ${padding} is not supported`);
    let [pt, pb] = padding === 'same' ? samePads(H, kh, sh, dh) : [0, 0];
    let [pl, pr] = padding === 'same' ? samePads(W, kw, sw, dw) : [0, 0];
    [pt, pl, pb, pr] = [pt + extra[0], pl + extra[1], pb + extra[2], pr + extra[3]];
    const inputs = [
      x.name,
      g.initializer(`${layer.name}/${kernel}`, tensor.float32(depthwise ? [cout, 1, kh, kw] : [cout, cin, kh, kw], w)),
    ];
    if (layer.config.use_bias) inputs.push(vector(layer, 'bias')); // Keras names it 'bias' for both kinds
    const y = op('Conv', inputs, {
      kernel_shape: attr.ints([kh, kw]),
      strides: attr.ints([sh, sw]),
      dilations: attr.ints([dh, dw]),
      pads: attr.ints([pt, pl, pb, pr]),
      group: attr.int(depthwise ? cin : 1),
    });
    const shape = [cout, convOut(H - extra[0] - extra[2], kh, sh, dh, pt, pb), convOut(W - extra[1] - extra[3], kw, sw, dw, pl, pr)];
    return { name: activation(layer, y), shape };
  };

  for (const layer of layers) {
    layerCounts[layer.class_name] = (layerCounts[layer.class_name] ?? 0) + 1;
    const inbound = layer.inbound_nodes;
    if (inbound.length > 1) throw new Error(`layer ${layer.name} is shared (${inbound.length} calls); not supported`);
    const ins = (inbound[0] ?? []).map(([src, nodeIndex, tensorIndex]) => {
      if (nodeIndex !== 0 || tensorIndex !== 0) throw new Error(`layer ${layer.name}: multi-output inputs are not supported`);
      const v = values.get(src);
      if (!v) throw new Error(`layer ${layer.name}: input ${src} is not converted yet`);
      return v;
    });
    const x = ins[0];
    const c = layer.config;
    if (c.data_format !== undefined && c.data_format !== 'channels_last')
      throw new Error(`layer ${layer.name}: data_format ${JSON.stringify(c.data_format)}`);
    let out: Value;
    switch (layer.class_name) {
      case 'InputLayer': {
        const [, h, w, ch] = cfg<(number | null)[]>(layer, 'batch_input_shape');
        if (!h || !w || !ch) throw new Error('the input needs a static height, width and channel count');
        inputShape = [ch, h, w];
        out = { name: g.input(options.inputName, 'float32', [batch, ch, h, w]), shape: inputShape };
        break;
      }
      case 'ZeroPadding2D': {
        const [[t, b], [l, r]] = cfg<number[][]>(layer, 'padding');
        const shape = [x.shape[0], x.shape[1] + t + b, x.shape[2] + l + r];
        const next = consumers.get(layer.name) ?? [];
        const foldable = next.length === 1 && ['Conv2D', 'DepthwiseConv2D'].includes(byName.get(next[0])!.class_name);
        if (foldable) {
          out = { name: x.name, shape, pads: [t, l, b, r] }; // no node: the conv adds these to its own pads
        } else {
          const pads = g.constant(tensor.int64([8], [0, 0, t, l, 0, 0, b, r]), 'pads');
          out = { name: op('Pad', [x.name, pads]), shape };
        }
        break;
      }
      case 'Conv2D':
        out = conv(layer, x, 'kernel', false);
        break;
      case 'DepthwiseConv2D':
        out = conv(layer, x, 'depthwise_kernel', true);
        break;
      case 'BatchNormalization': {
        const axis = cfg<number>(layer, 'axis');
        if (axis !== -1 && axis !== x.shape.length) throw new Error(`layer ${layer.name}: batch norm over axis ${axis} is not supported`);
        const n = x.shape[0];
        const scale = c.scale
          ? vector(layer, 'gamma')
          : g.constant(tensor.float32([n], new Float32Array(n).fill(1)), `${layer.name}/gamma`);
        const bias = c.center ? vector(layer, 'beta') : g.constant(tensor.float32([n], new Float32Array(n)), `${layer.name}/beta`);
        const y = op('BatchNormalization', [x.name, scale, bias, vector(layer, 'moving_mean'), vector(layer, 'moving_variance')], {
          epsilon: attr.float(cfg<number>(layer, 'epsilon')),
        });
        out = { name: y, shape: x.shape };
        break;
      }
      case 'ReLU': {
        if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0)
          throw new Error(`layer ${layer.name}: leaky or thresholded ReLU is not supported`);
        const max = c.max_value as number | null | undefined;
        const y =
          max == null
            ? op('Relu', [x.name])
            : op('Clip', [x.name, g.constant(tensor.float32([], [0]), 'clip_min'), g.constant(tensor.float32([], [max]), 'clip_max')]);
        out = { name: y, shape: x.shape };
        break;
      }
      case 'Add':
        out = {
          name: op(
            ins.length === 2 ? 'Add' : 'Sum',
            ins.map((v) => v.name),
          ),
          shape: x.shape,
        };
        break;
      case 'AveragePooling2D': {
        const [kh, kw] = cfg<number[]>(layer, 'pool_size');
        const [sh, sw] = (c.strides as number[] | null) ?? [kh, kw];
        const same = cfg<string>(layer, 'padding') === 'same';
        const [pt, pb] = same ? samePads(x.shape[1], kh, sh, 1) : [0, 0];
        const [pl, pr] = same ? samePads(x.shape[2], kw, sw, 1) : [0, 0];
        // TF averages over the real pixels only, never the padding
        const y = op('AveragePool', [x.name], {
          kernel_shape: attr.ints([kh, kw]),
          strides: attr.ints([sh, sw]),
          pads: attr.ints([pt, pl, pb, pr]),
          count_include_pad: attr.int(0),
        });
        out = { name: y, shape: [x.shape[0], convOut(x.shape[1], kh, sh, 1, pt, pb), convOut(x.shape[2], kw, sw, 1, pl, pr)] };
        break;
      }
      case 'GlobalAveragePooling2D':
        out = { name: op('Flatten', [op('GlobalAveragePool', [x.name])], { axis: attr.int(1) }), shape: [x.shape[0]] };
        break;
      case 'Flatten': {
        // Keras flattens H, W, C in that order; only with spatial dims of 1 is that also NCHW's order
        const spatial = x.shape.slice(1).some((d) => d !== 1);
        const src = spatial ? op('Transpose', [x.name], { perm: attr.ints([0, 2, 3, 1]) }) : x.name;
        out = { name: op('Flatten', [src], { axis: attr.int(1) }), shape: [x.shape.reduce((a, b) => a * b, 1)] };
        break;
      }
      case 'Dense': {
        const k = weight(layer, 'kernel'); // [in, units]
        if (k.shape[0] !== x.shape[0] || x.shape.length !== 1)
          throw new Error(`layer ${layer.name}: kernel ${k.shape.join('×')} does not fit input ${x.shape.join('×')}`);
        const inputs = [x.name, g.initializer(`${layer.name}/kernel`, tensor.float32(k.shape, k.data))];
        if (c.use_bias) inputs.push(vector(layer, 'bias'));
        out = { name: activation(layer, op('Gemm', inputs)), shape: [k.shape[1]] };
        outputActivation = (c.activation as string) ?? 'linear';
        break;
      }
      case 'Dropout':
        out = x; // identity at inference
        break;
      default:
        throw new Error(`layer ${layer.name}: Keras layer ${layer.class_name} is not supported`);
    }
    values.set(layer.name, out);
  }

  const unused = [...weights.keys()].filter((k) => !used.has(k));
  if (unused.length) throw new Error(`weights not used by any layer: ${unused.join(', ')}`);
  const last = byName.get(output_layers[0][0])!;
  if (last.class_name !== 'Dense') outputActivation = 'linear';
  const result = values.get(last.name)!;
  g.op('Identity', [result.name], {}, { output: options.outputName });
  g.output(options.outputName, 'float32', [batch, ...result.shape]);
  const extraOutputShapes: Record<string, number[]> = {};
  for (const { layer, name } of options.extraOutputs ?? []) {
    const v = values.get(layer);
    if (!v) throw new Error(`extra output ${name}: no layer ${layer}`);
    g.op('Identity', [v.name], {}, { output: name });
    g.output(name, 'float32', [batch, ...v.shape]);
    extraOutputShapes[name] = v.shape;
  }
  return { graph: g, inputShape, outputShape: result.shape, extraOutputShapes, outputActivation, layerCounts, opCounts };
}
