/**
 * nsfwjs MobileNetV2 → ONNX + manifest, from the installed npm package (never committed: run at setup or
 * test time).
 */
import { writeModel, type WrittenModel } from '../manifest.js';
import { readNsfwjsArtifacts } from './artifacts.js';
import { kerasToOnnx } from './keras-to-onnx.js';
import { NSFWJS_SIZE } from './preprocess.js';

/** nsfwjs's class order (its NSFW_CLASSES: 0 Drawing, 1 Hentai, 2 Neutral, 3 Porn, 4 Sexy), lower-cased. */
export const NSFWJS_LABELS = ['drawing', 'hentai', 'neutral', 'porn', 'sexy'];

/** MobileNetV2's pooled feature width (the channels of its last 1 × 1 convolution). */
export const MOBILENET_V2_FEATURES = 1280;

/** The layer feeding the classifier head: the input of the first Dense layer (global-average-pooled features). */
function pooledFeaturesLayer(modelJson: ReturnType<typeof readNsfwjsArtifacts>['modelJson']): string {
  const dense = modelJson.modelTopology.model_config.config.layers.find((l) => l.class_name === 'Dense');
  const src = dense?.inbound_nodes[0]?.[0]?.[0];
  if (!src) throw new Error("nsfwjs's model has no Dense layer to find the pooled features by");
  return src;
}

export interface ConvertNsfwjsOptions {
  outDir: string;
  /** manifest id (default `nsfw-mobilenet-v2`, the `nsfw` metric's default model) */
  id?: string;
}

export interface ConvertNsfwjsResult extends WrittenModel {
  nsfwjsVersion: string;
  layerCounts: Record<string, number>;
  opCounts: Record<string, number>;
  timings: { readMs: number; convertMs: number; writeMs: number };
}

export function convertNsfwjs(options: ConvertNsfwjsOptions): ConvertNsfwjsResult {
  const t0 = performance.now();
  const artifacts = readNsfwjsArtifacts('mobilenet_v2');
  const t1 = performance.now();
  const features = pooledFeaturesLayer(artifacts.modelJson);
  const converted = kerasToOnnx(artifacts.modelJson, artifacts.weights, {
    inputName: 'pixel_values',
    outputName: 'probabilities',
    extraOutputs: [{ layer: features, name: 'embedding' }],
  });
  const [embeddingDims] = converted.extraOutputShapes.embedding;
  if (converted.extraOutputShapes.embedding.length !== 1 || embeddingDims !== MOBILENET_V2_FEATURES)
    throw new Error(
      `nsfwjs's pooled features (${features}) are ${converted.extraOutputShapes.embedding.join('×')}, expected ${MOBILENET_V2_FEATURES}`,
    );
  if (converted.outputActivation !== 'softmax')
    throw new Error(`nsfwjs's last layer has activation ${converted.outputActivation}, expected softmax`);
  if (converted.outputShape[0] !== NSFWJS_LABELS.length)
    throw new Error(`nsfwjs's model has ${converted.outputShape[0]} outputs, expected ${NSFWJS_LABELS.length}`);
  if (converted.inputShape.join() !== [3, NSFWJS_SIZE, NSFWJS_SIZE].join())
    throw new Error(`unexpected input shape ${converted.inputShape.join('×')}`);
  const id = options.id ?? 'nsfw-mobilenet-v2';
  const keras = artifacts.modelJson.modelTopology.keras_version;
  const source =
    `npm nsfwjs@${artifacts.version} (github.com/infinitered/nsfwjs), dist/models/mobilenet_v2 ` +
    `(Keras ${keras} layers model, uint8-quantized weights), converted by @assay/model-tools convert-nsfwjs`;
  const bytes = converted.graph.toModel({ docString: source, metadata: { source, license: 'MIT' } });
  const t2 = performance.now();
  const written = writeModel(
    options.outDir,
    bytes,
    {
      id,
      version: artifacts.version,
      task: 'image-classifier',
      license: 'MIT (nsfwjs, Copyright (c) 2019 Infinite Red, Inc.)',
      source,
      inputs: [
        {
          name: 'pixel_values',
          dtype: 'float32',
          shape: ['batch', 3, NSFWJS_SIZE, NSFWJS_SIZE],
          layout: 'NCHW',
          source: 'image',
          image: {
            size: [NSFWJS_SIZE, NSFWJS_SIZE],
            resize: 'fill',
            interpolation: 'bilinear-align-corners',
            crop: 'none',
            colorOrder: 'RGB',
            scale: 1 / 255,
            mean: [0, 0, 0],
            std: [1, 1, 1],
          },
        },
      ],
      outputs: [
        {
          name: 'probabilities',
          dtype: 'float32',
          shape: ['batch', NSFWJS_LABELS.length],
          meaning: 'probabilities',
          labels: NSFWJS_LABELS,
        },
        {
          name: 'embedding',
          dtype: 'float32',
          shape: ['batch', MOBILENET_V2_FEATURES],
          meaning: 'embedding',
          features: 'MobileNetV2',
        },
      ],
    },
    [
      'nsfwjs resizes with tf.image.resizeBilinear(x / 255, [224, 224], alignCorners = true) on float pixels (no',
      'half-pixel centres, no antialiasing) and skips the resize for 224x224 inputs: interpolation',
      "`bilinear-align-corners` does exactly that. @assay/model-tools' nsfwjsInput() is the same reference.",
      "`probabilities` is the output of the model's own final softmax (Dense dense_3, activation softmax).",
      `\`embedding\` is MobileNetV2's penultimate features: the ${MOBILENET_V2_FEATURES} channels of out_relu averaged over the`,
      '7 × 7 grid (AveragePooling2D 7 × 7, then Flatten) under the classifier head, i.e. global average pooling. Stored per',
      'asset with every classification, it feeds the run-level distribution metrics (reported as FD_MobileNetV2, not FID).',
    ],
  );
  const t3 = performance.now();
  return {
    ...written,
    nsfwjsVersion: artifacts.version,
    layerCounts: converted.layerCounts,
    opCounts: converted.opCounts,
    timings: { readMs: t1 - t0, convertMs: t2 - t1, writeMs: t3 - t2 },
  };
}
