import type { ModelProvenance } from '@assay/contracts';
import type { RunResult, TensorData } from '@assay/inference';
import { runSpeechQuality, runVoiceActivity, type SpeechQualityRun, type VoiceActivityRun } from './audio-tasks.js';
import type { ModelInput, ModelManifest, TokenizerSpec } from './manifest.js';
import type { ModelRegistry } from './model-registry.js';
import { imageTensor, type RgbImage } from './preprocess.js';

export interface TokenizedText {
  ids: Int32Array;
  /** tokens before padding, start and end tokens included */
  length: number;
  truncated: boolean;
}

export interface TextTokenizer {
  tokenize(text: string, options: { contextLength: number }): TokenizedText;
}

/** Builds a tokenizer for a manifest's tokenizer spec from its vocabulary file (e.g. the CLIP BPE). */
export type TokenizerFactory = (spec: TokenizerSpec, vocabPath: string) => Promise<TextTokenizer>;

export interface Embedding {
  vector: Float32Array;
  model: ModelProvenance;
  /** the feature extractor's name from the manifest (labels distribution metrics, e.g. FD_MobileNetV2) */
  features?: string;
}

export interface TextEmbedding extends Embedding {
  tokens: number;
  truncated: boolean;
}

export interface VoiceActivity extends VoiceActivityRun {
  model: ModelProvenance;
}

export interface SpeechQuality extends SpeechQualityRun {
  model: ModelProvenance;
}

export interface ModelScore {
  /** the model's raw output */
  raw: number;
  /** after the manifest's documented normalization */
  score: number;
  model: ModelProvenance;
}

interface Runner {
  run(modelId: string, feeds: Record<string, TensorData>): Promise<RunResult>;
}

const l2 = (v: Float32Array) => {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
};

function firstRow(t: TensorData): Float32Array {
  const data = t.data as Float32Array;
  const rowLength = t.dims.length > 1 ? t.dims.slice(1).reduce((a, b) => a * b, 1) : data.length;
  return data.slice(0, rowLength);
}

/**
 * What metrics ask of models by task — embed an image or a text, classify, score an image–text pair, run a
 * head on another model's embedding — built from the manifests. Embeddings are cached per decoded image, so
 * metrics of one job that use the same model share one inference; `embeddingsOf` lists them for storage.
 */
export class ModelKit {
  private readonly imageEmbeddings = new WeakMap<Uint8Array, Map<string, Promise<Embedding>>>();
  private readonly tokenizers = new Map<string, Promise<TextTokenizer>>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly runner: Runner,
    private readonly tokenizerFactory: TokenizerFactory,
  ) {}

  run(modelId: string, feeds: Record<string, TensorData>): Promise<RunResult> {
    return this.runner.run(modelId, feeds);
  }

  manifest(modelId: string): ModelManifest {
    return this.registry.manifest(modelId);
  }

  private async provenance(id: string): Promise<ModelProvenance> {
    const info = await this.registry.ensure(id);
    return { id: info.id, version: info.version, sha256: info.sha256, provider: info.provider };
  }

  private expect(m: ModelManifest, tasks: ModelManifest['task'][]): void {
    if (!tasks.includes(m.task)) throw new Error(`model ${m.id} is a ${m.task}, not ${tasks.join(' or ')}`);
  }

  private output(m: ModelManifest, meanings: string[]) {
    const out = m.outputs.find((o) => meanings.includes(o.meaning));
    if (!out) throw new Error(`model ${m.id} has no ${meanings.join('/')} output`);
    return out;
  }

  private tokenizer(m: ModelManifest): Promise<TextTokenizer> {
    if (!m.tokenizer) throw new Error(`model ${m.id} takes tokens but its manifest has no tokenizer`);
    const spec = m.tokenizer;
    const path = this.registry.assetPath(m.id, spec.vocab);
    let t = this.tokenizers.get(path);
    if (!t) {
      t = this.tokenizerFactory(spec, path);
      this.tokenizers.set(path, t);
    }
    return t;
  }

  /** Feeds for every input of `m`, built from the image, the text, and embeddings of other models. */
  private async feeds(
    m: ModelManifest,
    image?: RgbImage,
    text?: string,
  ): Promise<{ feeds: Record<string, TensorData>; tokens?: TokenizedText }> {
    const feeds: Record<string, TensorData> = {};
    let tokens: TokenizedText | undefined;
    const tokenTensor = (input: ModelInput, values: ArrayLike<number>): TensorData => {
      const dims = [1, values.length];
      if (input.dtype === 'int64') return { type: 'int64', data: BigInt64Array.from(Array.from(values), (v) => BigInt(v)), dims };
      return { type: 'int32', data: Int32Array.from(values), dims };
    };
    for (const input of m.inputs) {
      if (input.source === 'image') {
        if (!image) throw new Error(`model ${m.id} needs an image`);
        feeds[input.name] = await imageTensor(image, input);
      } else if (input.source === 'tokens' || input.source === 'attention-mask') {
        if (text === undefined) throw new Error(`model ${m.id} needs a text`);
        tokens ??= (await this.tokenizer(m)).tokenize(text, { contextLength: m.tokenizer!.contextLength });
        const t = tokens;
        feeds[input.name] = tokenTensor(input, input.source === 'tokens' ? t.ids : Array.from(t.ids, (_, i) => (i < t.length ? 1 : 0)));
      } else {
        if (!image) throw new Error(`model ${m.id} needs an image for ${input.from!.model}`);
        const e = await this.embedImage(input.from!.model, image);
        const v = input.from!.normalize === 'l2' ? l2(e.vector) : e.vector;
        feeds[input.name] = { type: 'float32', data: Float32Array.from(v), dims: [1, v.length] };
      }
    }
    return { feeds, tokens };
  }

  embedImage(modelId: string, image: RgbImage): Promise<Embedding> {
    let perImage = this.imageEmbeddings.get(image.rgb);
    if (!perImage) {
      perImage = new Map();
      this.imageEmbeddings.set(image.rgb, perImage);
    }
    let e = perImage.get(modelId);
    if (!e) {
      e = (async () => {
        const m = this.manifest(modelId);
        this.expect(m, ['image-embedding']);
        const { feeds } = await this.feeds(m, image);
        const res = await this.runner.run(modelId, feeds);
        const out = this.output(m, ['embedding']);
        return { vector: firstRow(res.outputs[out.name]), model: await this.provenance(modelId), features: out.features };
      })();
      perImage.set(modelId, e);
      e.catch(() => perImage.delete(modelId));
    }
    return e;
  }

  /**
   * A classifier that also exposes its pooled features (an `embedding` output) gives them for free with every
   * classification: they are kept with the image's embeddings, to be stored like an image-embedding model's.
   */
  private keepEmbedding(m: ModelManifest, image: RgbImage, res: RunResult): void {
    const out = m.outputs.find((o) => o.meaning === 'embedding');
    if (!out) return;
    let perImage = this.imageEmbeddings.get(image.rgb);
    if (!perImage) {
      perImage = new Map();
      this.imageEmbeddings.set(image.rgb, perImage);
    }
    const vector = firstRow(res.outputs[out.name]);
    perImage.set(
      m.id,
      this.provenance(m.id).then((model) => ({ vector, model, features: out.features })),
    );
  }

  /** The image embeddings computed for this image so far (to store with the result). */
  async embeddingsOf(image: RgbImage): Promise<Embedding[]> {
    const perImage = this.imageEmbeddings.get(image.rgb);
    if (!perImage) return [];
    const settled = await Promise.allSettled(perImage.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  async embedText(modelId: string, text: string): Promise<TextEmbedding> {
    const m = this.manifest(modelId);
    this.expect(m, ['text-embedding']);
    const { feeds, tokens } = await this.feeds(m, undefined, text);
    const res = await this.runner.run(modelId, feeds);
    return {
      vector: firstRow(res.outputs[this.output(m, ['embedding']).name]),
      model: await this.provenance(modelId),
      tokens: tokens!.length,
      truncated: tokens!.truncated,
    };
  }

  /** Class probabilities by label (softmax applied when the output is logits). */
  async classify(modelId: string, image: RgbImage): Promise<{ probabilities: Record<string, number>; model: ModelProvenance }> {
    const m = this.manifest(modelId);
    this.expect(m, ['image-classifier']);
    const out = this.output(m, ['probabilities', 'logits']);
    const { feeds } = await this.feeds(m, image);
    const res = await this.runner.run(modelId, feeds);
    this.keepEmbedding(m, image, res);
    let p = Array.from(firstRow(res.outputs[out.name]));
    if (out.meaning === 'logits') {
      const max = Math.max(...p);
      const exp = p.map((x) => Math.exp(x - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      p = exp.map((x) => x / sum);
    }
    return { probabilities: Object.fromEntries(out.labels!.map((label, i) => [label, p[i]])), model: await this.provenance(modelId) };
  }

  private normalize(m: ModelManifest, raw: number): number {
    const s = m.score;
    return s ? ((raw - s.shift) / s.divide) * s.multiply : raw;
  }

  /** An image–text model's scalar (reward models), raw and normalized. */
  async scoreImageText(modelId: string, image: RgbImage, text: string): Promise<ModelScore & { tokens: number; truncated: boolean }> {
    const m = this.manifest(modelId);
    this.expect(m, ['image-text-score']);
    const { feeds, tokens } = await this.feeds(m, image, text);
    const res = await this.runner.run(modelId, feeds);
    const raw = firstRow(res.outputs[this.output(m, ['score']).name])[0];
    return {
      raw,
      score: this.normalize(m, raw),
      model: await this.provenance(modelId),
      tokens: tokens?.length ?? 0,
      truncated: tokens?.truncated ?? false,
    };
  }

  /** A head over another model's image embedding (e.g. an aesthetic predictor), raw and normalized. */
  async scoreHead(modelId: string, image: RgbImage): Promise<ModelScore & { embedding: ModelProvenance }> {
    const m = this.manifest(modelId);
    this.expect(m, ['embedding-head']);
    const from = m.inputs.find((i) => i.source === 'embedding')!.from!.model;
    const { feeds } = await this.feeds(m, image);
    const res = await this.runner.run(modelId, feeds);
    const raw = firstRow(res.outputs[this.output(m, ['score']).name])[0];
    return {
      raw,
      score: this.normalize(m, raw),
      model: await this.provenance(modelId),
      embedding: (await this.embedImage(from, image)).model,
    };
  }

  /**
   * Speech probability per chunk of a `voice-activity` model (e.g. Silero VAD) over mono audio at the model's
   * sample rate, streamed as its manifest's `audio` block says (chunks, context, carried state). The calls are
   * sequential (each needs the previous state), each on the inference thread. Loads the model on first use.
   */
  async voiceActivity(modelId: string, pcm: Float32Array, sampleRate: number): Promise<VoiceActivity> {
    const m = this.manifest(modelId);
    this.expect(m, ['voice-activity']);
    const model = await this.provenance(modelId);
    return { ...(await runVoiceActivity(m, this.runner, pcm, sampleRate)), model };
  }

  /**
   * Per-window scores of a `speech-quality` model (e.g. DNSMOS P.835) over mono audio at the model's sample
   * rate: windows as its manifest's `audio` block says, raw outputs and their `polynomial` calibration by
   * label. Loads the model on first use.
   */
  async speechQuality(modelId: string, pcm: Float32Array, sampleRate: number): Promise<SpeechQuality> {
    const m = this.manifest(modelId);
    this.expect(m, ['speech-quality']);
    const model = await this.provenance(modelId);
    return { ...(await runSpeechQuality(m, this.runner, pcm, sampleRate)), model };
  }
}
