/**
 * The MobileNetV2 model as the installed nsfwjs package ships it: a Keras layers-model JSON and its weights,
 * both inside UMD `.min.js` bundles (the JSON object, and the weight shard as a base64 string).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'uint8' | 'uint16'; min: number; scale: number };
}

export interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  /** [[[inboundLayer, nodeIndex, tensorIndex, kwargs], …]] */
  inbound_nodes: [string, number, number, unknown][][];
}

export interface ModelJson {
  modelTopology: {
    keras_version: string;
    backend: string;
    model_config: {
      class_name: string;
      config: { name: string; layers: KerasLayer[]; input_layers: [string, number, number][]; output_layers: [string, number, number][] };
    };
  };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

export interface NsfwjsArtifacts {
  packageDir: string;
  version: string;
  modelName: string;
  modelJson: ModelJson;
  /** dequantized float32 weights by name, exactly as tfjs decodes them */
  weights: Map<string, { shape: number[]; data: Float32Array }>;
}

/** The package root, found from its main entry (its `exports` map hides package.json). */
export function nsfwjsPackageDir(): string {
  let dir = dirname(require.resolve('nsfwjs'));
  while (!dir.endsWith('nsfwjs')) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the nsfwjs package folder');
    dir = up;
  }
  return dir;
}

/** What tfjs's io.decodeWeights does: uint8/uint16 values × scale + min, rounded to float32. */
function decodeWeights(specs: WeightSpec[], bytes: Uint8Array): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    if (spec.dtype !== 'float32') throw new Error(`weight ${spec.name}: dtype ${String(spec.dtype)} is not supported`);
    let data: Float32Array;
    if (!q) {
      data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * 4));
      offset += count * 4;
    } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
      const width = q.dtype === 'uint8' ? 1 : 2;
      const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * width);
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = (width === 1 ? view.getUint8(i) : view.getUint16(i * 2, true)) * q.scale + q.min;
      offset += count * width;
    } else {
      throw new Error(`weight ${spec.name}: quantization ${(q as { dtype: string }).dtype} is not supported`);
    }
    out.set(spec.name, { shape: spec.shape, data });
  }
  if (offset !== bytes.byteLength) throw new Error(`weights use ${offset} bytes, the shards hold ${bytes.byteLength}`);
  return out;
}

/** Reads `dist/models/<model>/model.min.js` and its `group1-shard*of*.min.js` bundles. */
export function readNsfwjsArtifacts(modelName = 'mobilenet_v2'): NsfwjsArtifacts {
  const packageDir = nsfwjsPackageDir();
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const modelDir = join(packageDir, 'dist', 'models', modelName);
  // UMD bundles in a `"type": "commonjs"` folder: require() returns what the bundle exports
  const modelJson = require(join(modelDir, 'model.min.js')) as ModelJson;
  if (modelJson.modelTopology?.model_config?.class_name === undefined)
    throw new Error(`${modelName}: not a Keras layers model (graph models are not supported)`);
  const specs: WeightSpec[] = [];
  const shards: Buffer[] = [];
  for (const group of modelJson.weightsManifest) {
    for (const path of group.paths) {
      const base64 = require(join(modelDir, `${path}.min.js`)) as string;
      if (typeof base64 !== 'string') throw new Error(`${path}.min.js does not export a base64 string`);
      shards.push(Buffer.from(base64, 'base64'));
    }
    specs.push(...group.weights);
  }
  return { packageDir, version, modelName, modelJson, weights: decodeWeights(specs, new Uint8Array(Buffer.concat(shards))) };
}
