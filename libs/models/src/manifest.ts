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
  /** a streaming speech detector (e.g. Silero VAD): one speech probability per chunk, recurrent state carried */
  'voice-activity',
  /** a no-reference speech-quality model over fixed windows (e.g. DNSMOS P.835): per-window scores, averaged */
  'speech-quality',
]);
export type ModelTask = z.infer<typeof ModelTask>;

export const TensorDtype = z.enum(['float32', 'float16', 'int64', 'int32', 'uint8', 'bool']);
export type TensorDtype = z.infer<typeof TensorDtype>;

/** A dimension: a fixed size, or a name for a dynamic one (e.g. `batch`). A shape `[]` is a scalar. */
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
    scale: z
      .number()
      .positive()
      .default(1 / 255),
    mean: z.tuple([z.number(), z.number(), z.number()]).default([0, 0, 0]),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).default([1, 1, 1]),
  })
  .strict();
export type ImagePreprocess = z.infer<typeof ImagePreprocess>;

/**
 * How audio becomes this input tensor (`source: audio`). Assay feeds mono float samples in [-1, 1] at
 * `sampleRate` (16 kHz: the decoder's ffmpeg-resampled `mono16k`), in one of two framings:
 * - `stream`: consecutive chunks of `chunk` new samples, each prefixed with the last `context` samples of
 *   the previous model input (zeros before the first); the last partial chunk is zero-padded; recurrent
 *   `state` inputs carry the named output from call to call (Silero VAD's `OnnxWrapper`).
 * - `windows`: windows of `trunc(windowSeconds · sampleRate)` samples, hop `hopSeconds`; a clip shorter than one
 *   window is repeated (appended to itself) until it is at least one window long; the number of windows is
 *   `trunc((floor(n / sampleRate) − windowSeconds) / hopSeconds) + 1`, window k covers
 *   `[trunc(k · hopSeconds · sampleRate), trunc((k · hopSeconds + windowSeconds) · sampleRate))` and shorter ones are
 *   skipped — DNSMOS's `dnsmos_local.py` segmenting, float arithmetic included.
 */
export const AudioPreprocess = z
  .object({
    sampleRate: z.number().int().positive(),
    framing: z.enum(['stream', 'windows']),
    /** stream: new samples per model call */
    chunk: z.number().int().positive().optional(),
    /** stream: samples of the previous model input prepended to each chunk (zeros at the start) */
    context: z.number().int().nonnegative().default(0),
    /** windows: window length in seconds (samples = trunc(windowSeconds · sampleRate)) */
    windowSeconds: z.number().positive().optional(),
    /** windows: hop in seconds */
    hopSeconds: z.number().positive().optional(),
    /** windows: a clip shorter than one window is repeated until it is long enough */
    shortInput: z.enum(['repeat']).default('repeat'),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.framing === 'stream' && !a.chunk) ctx.addIssue({ code: 'custom', path: ['chunk'], message: 'a stream framing needs `chunk`' });
    if (a.framing === 'windows') {
      if (!a.windowSeconds) ctx.addIssue({ code: 'custom', path: ['windowSeconds'], message: 'a windows framing needs `windowSeconds`' });
      if (!a.hopSeconds) ctx.addIssue({ code: 'custom', path: ['hopSeconds'], message: 'a windows framing needs `hopSeconds`' });
    }
  });
export type AudioPreprocess = z.infer<typeof AudioPreprocess>;

export const ModelInput = z
  .object({
    name: z.string().min(1),
    dtype: TensorDtype,
    shape: z.array(Dim),
    layout: z.enum(['NCHW', 'NHWC', 'NC', 'NL']).optional(),
    /**
     * what feeds it; audio models: `audio` (the waveform, [batch, samples]), `state` (a recurrent state: zeros
     * first, then the output named by `carry`), `sample-rate` (the scalar `audio.sampleRate` of the audio input)
     */
    source: z.enum(['image', 'tokens', 'attention-mask', 'embedding', 'audio', 'state', 'sample-rate']),
    /** how Assay builds an image input; absent when the metric that uses the model prepares it (e.g. OCR) */
    image: ImagePreprocess.optional(),
    /** for `embedding` inputs: the model whose embedding output feeds this one, and its normalization */
    from: z
      .object({ model: z.string(), normalize: z.enum(['none', 'l2']).default('l2') })
      .strict()
      .optional(),
    /** how Assay frames an `audio` input */
    audio: AudioPreprocess.optional(),
    /** for `state` inputs: the output whose value is fed back on the next call */
    carry: z.string().min(1).optional(),
  })
  .strict()
  .refine((i) => i.source !== 'embedding' || i.from, 'an embedding input needs `from`')
  .refine((i) => i.source !== 'audio' || i.audio, 'an audio input needs an `audio` block')
  .refine((i) => i.source !== 'state' || i.carry, 'a state input needs `carry` (the output fed back)');
export type ModelInput = z.infer<typeof ModelInput>;

export const ModelOutput = z
  .object({
    name: z.string().min(1),
    dtype: TensorDtype,
    shape: z.array(Dim).min(1),
    /** `state`: a recurrent state fed back through an input's `carry` */
    meaning: z.enum(['embedding', 'logits', 'probabilities', 'score', 'map', 'sequence-logits', 'state']),
    /** class names, in order, for logits / probabilities; score names, in order, for a multi-score output */
    labels: z.array(z.string()).optional(),
    /**
     * per label, the documented calibration of the raw score: polynomial coefficients, highest power first
     * (numpy `poly1d`), e.g. DNSMOS's P.835 mapping
     */
    polynomial: z.record(z.string(), z.array(z.number()).min(1)).optional(),
    /**
     * for an embedding output: the feature extractor's name, which labels distribution metrics over these
     * embeddings (`FD_<features>`): `InceptionV3` (pool3) is what makes a Fréchet distance FID, `CLIP…` CMMD's
     */
    features: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
      .optional(),
  })
  .strict()
  .refine((o) => !['logits', 'probabilities'].includes(o.meaning) || o.labels?.length, 'logits and probabilities need `labels`')
  .refine((o) => !o.features || o.meaning === 'embedding', '`features` names an embedding output')
  .refine(
    (o) => !o.polynomial || Object.keys(o.polynomial).every((k) => o.labels?.includes(k)),
    '`polynomial` keys must be among the `labels`',
  );
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
  .strict()
  .superRefine((m, ctx) => {
    const audio = m.inputs.findIndex((i) => i.source === 'audio');
    for (const [k, i] of m.inputs.entries()) {
      if (i.source === 'state' && !m.outputs.some((o) => o.name === i.carry && o.meaning === 'state')) {
        ctx.addIssue({ code: 'custom', path: ['inputs', k, 'carry'], message: `no output "${i.carry}" with meaning state` });
      }
      if (i.source === 'sample-rate' && audio < 0)
        ctx.addIssue({ code: 'custom', path: ['inputs', k, 'source'], message: 'a sample-rate input needs an audio input' });
    }
    const need = (ok: boolean, path: (string | number)[], message: string) => ok || ctx.addIssue({ code: 'custom', path, message });
    if (m.task === 'voice-activity') {
      need(
        audio >= 0 && m.inputs[audio].audio?.framing === 'stream',
        ['inputs'],
        'a voice-activity model needs an audio input with framing stream',
      );
      need(
        m.outputs.some((o) => o.meaning === 'probabilities'),
        ['outputs'],
        'a voice-activity model needs a probabilities output (the speech probability)',
      );
    }
    if (m.task === 'speech-quality') {
      need(
        audio >= 0 && m.inputs[audio].audio?.framing === 'windows',
        ['inputs'],
        'a speech-quality model needs an audio input with framing windows',
      );
      need(
        m.outputs.some((o) => o.meaning === 'score' && o.labels?.length),
        ['outputs'],
        'a speech-quality model needs a score output with labels',
      );
    }
  });
export type ModelManifest = z.infer<typeof ModelManifest>;
