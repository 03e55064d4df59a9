import type { z } from 'zod';
import { ErrorCode, type Censoring, type MediaProbe, type Modality, type ModelProvenance, type ScoreSpec } from '@assay/contracts';
import type { RunResult, TensorData } from '@assay/inference';
import type { ImageJudge } from '@assay/judges';
import type { AudioPcm, DecodedImage, SampledFrame } from '@assay/media';
import type { MeshAsset } from '@assay/mesh-io';
import type { FrameSeries, ReferenceSeries } from './video/frame-series.js';

/** One number a metric reports (the catalog's shape: range, direction, unit). */
export type { ScoreSpec };

export interface MetricResult {
  scores: Record<string, number>;
  /**
   * scores whose value is a floor or cap of the measurement rather than a measurement: the true value is at
   * or below the floor, or at or above the cap (run statistics leave them out and count them)
   */
  censored?: Record<string, Censoring>;
  /** identifiers such as perceptual hashes (strings, not scores); only the keys declared in `fingerprints` */
  fingerprints?: Record<string, string>;
  details?: Record<string, unknown>;
  model?: ModelProvenance;
  inferenceMs?: number;
}

export interface ModelRunner {
  run(modelId: string, feeds: Record<string, TensorData>): Promise<RunResult>;
}

/** A model's identity for provenance. */
export type ModelRef = ModelProvenance;

/**
 * Task-level model calls built from manifests (implemented by @assay/models' ModelKit): image embeddings
 * are cached per decoded image, so metrics of one job that use the same model share one inference.
 */
export interface ModelCalls {
  embedImage(modelId: string, image: DecodedImage): Promise<{ vector: Float32Array; model: ModelRef }>;
  embedText(modelId: string, text: string): Promise<{ vector: Float32Array; model: ModelRef; tokens: number; truncated: boolean }>;
  classify(modelId: string, image: DecodedImage): Promise<{ probabilities: Record<string, number>; model: ModelRef }>;
  scoreImageText(
    modelId: string,
    image: DecodedImage,
    text: string,
  ): Promise<{ raw: number; score: number; model: ModelRef; tokens: number; truncated: boolean }>;
  scoreHead(modelId: string, image: DecodedImage): Promise<{ raw: number; score: number; model: ModelRef; embedding: ModelRef }>;
  /**
   * A `voice-activity` model (Silero VAD) streamed over mono audio at its rate (16 kHz): one speech probability
   * per chunk, calls sequential with the state carried (see the model's manifest `audio` block).
   */
  voiceActivity?(
    modelId: string,
    pcm: Float32Array,
    sampleRate: number,
  ): Promise<{ probabilities: Float32Array; chunkSamples: number; calls: number; inferenceMs: number; model: ModelRef }>;
  /** A `speech-quality` model (DNSMOS) over windows of mono audio at its rate: raw and calibrated scores by label, per window. */
  speechQuality?(
    modelId: string,
    pcm: Float32Array,
    sampleRate: number,
  ): Promise<{
    labels: string[];
    windows: { start: number; raw: Record<string, number>; score: Record<string, number> }[];
    repeated: boolean;
    windowSamples: number;
    hopSamples: number;
    calls: number;
    inferenceMs: number;
    model: ModelRef;
  }>;
}

export interface MetricContext {
  models: ModelRunner;
  /** present on workers with a model registry; metrics of manifest-described models use it */
  modelCalls?: ModelCalls;
  /** absolute path of a file a metric declared in `needs.files` (resolved in MODEL_DIR at start-up) */
  file(relativePath: string): string;
  /** remote judges (one client per process); a judge metric without its client is not applicable */
  judges?: { vlm?: ImageJudge };
}

export interface ImageInput {
  image: DecodedImage;
  /** the reference asset, for full-reference metrics */
  reference?: DecodedImage;
  prompt?: string;
  attributes: Record<string, string | number | boolean>;
}

/** A video: statistics of every frame, a few frames in full colour, and the reference comparison when given. */
export interface VideoInput {
  probe: MediaProbe;
  frames: FrameSeries;
  /** frames decoded in full colour at the suite's sampling (per-frame image metrics, embeddings) */
  samples: SampledFrame[];
  /** present when the asset has a reference video and the suite has a full-reference metric */
  reference?: ReferenceSeries;
  prompt?: string;
  attributes: Record<string, string | number | boolean>;
}

export interface AudioInput {
  probe: MediaProbe;
  pcm: AudioPcm;
  prompt?: string;
  attributes: Record<string, string | number | boolean>;
}

/** A 3D asset: the mesh as read (metres, world space), and its rendered views when a per-view metric needs them. */
export interface MeshInput {
  asset: MeshAsset;
  /** turntable views (per-view image metrics); empty when the suite has none or they could not be rendered */
  views: DecodedImage[];
  /** why there are no views although the suite has per-view metrics (e.g. the render timed out) */
  viewsProblem?: string;
  prompt?: string;
  attributes: Record<string, string | number | boolean>;
}

/** What `compute` receives, by the metric's modality. */
export interface InputByModality {
  image: ImageInput;
  video: VideoInput;
  audio: AudioInput;
  '3d': MeshInput;
}

export type MetricInput = InputByModality[Modality];

type ParamsSchema = z.ZodType<Record<string, unknown>>;

/**
 * A per-asset metric. One file under `<modality>/metrics/` default-exports one definition; the registry
 * finds it at start-up, so adding a metric touches no other file. Like torchmetrics' metrics, each declares
 * its range and direction; parameters come from the suite, validated by `params` (with defaults). Image
 * metrics also run in video suites, on each sampled frame, aggregated over the frames.
 */
export interface MetricDefinition<P extends ParamsSchema = ParamsSchema, M extends Modality = Modality> {
  name: string;
  /** bumped whenever the numbers a metric produces could change */
  version: string;
  modality: M;
  description: string;
  scores: ScoreSpec[];
  /** keys of the fingerprints it returns, reported as `<metric>.<key>` beside the scores */
  fingerprints?: string[];
  params?: P;
  /** models chosen by parameters (e.g. which CLIP export), beside the fixed `needs.models` */
  modelsFor?(params: z.infer<P>): string[];
  needs: {
    prompt?: boolean;
    /** a reference asset; without one the metric is not applicable */
    reference?: boolean;
    /** ONNX models (ids in the model catalog) */
    models?: string[];
    /** parameter files, relative to MODEL_DIR */
    files?: string[];
    /** video: reads `samples` (full-colour frames); without such a metric or a per-frame image metric, none are decoded */
    samples?: boolean;
  };
  cost: 'cpu' | 'model' | 'gpu';
  compute(input: InputByModality[M], ctx: MetricContext, params: z.infer<P>): Promise<MetricResult> | MetricResult;
}

/** The metric has no defined value for this input (e.g. a 1×1 image for a filter); not an asset failure. */
export class MetricNotApplicable extends Error {
  override name = 'MetricNotApplicable';

  constructor(
    message: string,
    readonly code: ErrorCode = ErrorCode.MetricNotApplicable,
  ) {
    super(message);
  }
}

/**
 * The model calls of a process with a model registry (a worker); without one, a metric of a manifest-described
 * model (`model`) is not applicable, with the same reason everywhere.
 */
export function requireModelCalls(ctx: MetricContext, model: string): ModelCalls {
  if (!ctx.modelCalls) {
    throw new MetricNotApplicable(
      `needs the ONNX model ${model} through a model registry, and this process has none (no MODEL_DIR / model kit)`,
    );
  }
  return ctx.modelCalls;
}

export function defineMetric<P extends ParamsSchema, M extends Modality = 'image'>(
  definition: MetricDefinition<P, M>,
): MetricDefinition<P, M> {
  return definition;
}

/** The reference image, or not applicable; sizes must match (no silent resize). */
export function requireReference(input: ImageInput): DecodedImage {
  const ref = input.reference;
  if (!ref) throw new MetricNotApplicable('needs a reference asset (referenceUri)');
  if (ref.width !== input.image.width || ref.height !== input.image.height) {
    throw new MetricNotApplicable(
      `reference is ${ref.width}×${ref.height}, the asset ${input.image.width}×${input.image.height}: full-reference ` +
        `metrics compare same-size images and never resize`,
      ErrorCode.ReferenceSizeMismatch,
    );
  }
  return ref;
}
