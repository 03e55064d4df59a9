import { z } from 'zod';

/** What a model is for; decides which inputs and outputs a manifest must describe. */
export const ModelTask = z.enum([
  'image-embedding',
  'text-embedding',
  'image-classifier',
  'image-text-score',
  'embedding-head',
  'detector',
  'text-recognizer',
]);
export type ModelTask = z.infer<typeof ModelTask>;

export const TensorDtype = z.enum(['float32', 'float16', 'int64', 'int32', 'uint8', 'bool']);
export type TensorDtype = z.infer<typeof TensorDtype>;

/** A dimension: a fixed size, or a name for a dynamic one (e.g. `batch`). */
const Dim = z.union([z.number().int().positive(), z.string().min(1)]);

/** How an image becomes this input tensor. */
export const ImagePreprocess = z
  .object({
    /** width, height of the tensor's image */
    size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    /** fill: stretch to size; shorter-side: scale the shorter side to the size, then crop; longer-side: fit inside, then pad */
    resize: z.enum(['fill', 'shorter-side', 'longer-side']).default('fill'),
    /**
     * `bilinear-align-corners` is tfjs's `resizeBilinear(alignCorners = true)` on the scaled float values
     * (as nsfwjs feeds its model); the others are libvips kernels on 8-bit pixels
     */
    interpolation: z.enum(['nearest', 'bilinear', 'bicubic', 'lanczos3', 'bilinear-align-corners']).default('bilinear'),
    crop: z.enum(['none', 'center']).default('none'),
    colorOrder: z.enum(['RGB', 'BGR']).default('RGB'),
    /** multiplied first (e.g. 1/255), then (x − mean) / std per channel in `colorOrder` */
    scale: z.number().positive().default(1 / 255),
    mean: z.tuple([z.number(), z.number(), z.number()]).default([0, 0, 0]),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).default([1, 1, 1]),
  })
  .strict();
export type ImagePreprocess = z.infer<typeof ImagePreprocess>;

export const ModelInput = z
  .object({
    name: z.string().min(1),
    dtype: TensorDtype,
    shape: z.array(Dim).min(1),
    layout: z.enum(['NCHW', 'NHWC', 'NC', 'NL']).optional(),
    /** what feeds it */
    source: z.enum(['image', 'tokens', 'attention-mask', 'embedding']),
    /** how Assay builds an image input; absent when the metric that uses the model prepares it (e.g. OCR) */
    image: ImagePreprocess.optional(),
    /** for `embedding` inputs: the model whose embedding output feeds this one, and its normalization */
    from: z.object({ model: z.string(), normalize: z.enum(['none', 'l2']).default('l2') }).strict().optional(),
  })
  .strict()
  .refine((i) => i.source !== 'embedding' || i.from, 'an embedding input needs `from`');
export type ModelInput = z.infer<typeof ModelInput>;

export const ModelOutput = z
  .object({
    name: z.string().min(1),
    dtype: TensorDtype,
    shape: z.array(Dim).min(1),
    meaning: z.enum(['embedding', 'logits', 'probabilities', 'score', 'map', 'sequence-logits']),
    /** class names, in order, for logits / probabilities */
    labels: z.array(z.string()).optional(),
  })
  .strict()
  .refine((o) => !['logits', 'probabilities'].includes(o.meaning) || o.labels?.length, 'logits and probabilities need `labels`');
export type ModelOutput = z.infer<typeof ModelOutput>;

export const TokenizerSpec = z
  .object({
    type: z.enum(['clip-bpe']),
    /** vocabulary / merges file, relative to the manifest */
    vocab: z.string(),
    contextLength: z.number().int().positive().default(77),
    /** what happens to longer prompts: cut at the end (the last id becomes the end token) and flag it */
    truncation: z.enum(['end']).default('end'),
  })
  .strict();
export type TokenizerSpec = z.infer<typeof TokenizerSpec>;

/** How a raw scalar output becomes the reported score: (x − shift) / divide · multiply, as documented by the model. */
export const ScoreNormalization = z
  .object({
    shift: z.number().default(0),
    divide: z.number().positive().default(1),
    multiply: z.number().default(1),
    note: z.string().optional(),
  })
  .strict();

/** One model: a YAML file `<anything>.model.yaml` beside (or pointing to) its ONNX file. */
export const ModelManifest = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lower-case letters, digits and . _ -'),
    version: z.string().min(1),
    task: ModelTask,
    /** the ONNX file, relative to the manifest */
    file: z.string().min(1),
    /** npm export of a package that ships `file` in `assets/` beside it: used when the file is not next to the manifest */
    npmEntry: z.string().optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    license: z.string().min(1),
    source: z.string().min(1),
    inputs: z.array(ModelInput).min(1),
    outputs: z.array(ModelOutput).min(1),
    tokenizer: TokenizerSpec.optional(),
    score: ScoreNormalization.optional(),
  })
  .strict();
export type ModelManifest = z.infer<typeof ModelManifest>;
