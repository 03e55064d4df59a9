import type { Modality, ModelProvenance } from '@assay/contracts';
import type { RunResult, TensorData } from '@assay/inference';
import type { DecodedImage } from '@assay/media';

/** One number a metric reports. `range` is [min, max], with null for unbounded. */
export interface ScoreSpec {
  key: string;
  description: string;
  range: [number, number | null];
  /** which way is better; `none` for descriptive numbers such as width */
  direction: 'higher' | 'lower' | 'none';
  unit?: string;
}

export interface MetricResult {
  scores: Record<string, number>;
  details?: Record<string, unknown>;
  model?: ModelProvenance;
  inferenceMs?: number;
}

export interface ModelRunner {
  run(modelId: string, feeds: Record<string, TensorData>): Promise<RunResult>;
}

export interface MetricContext {
  models: ModelRunner;
}

export interface ImageInput {
  image: DecodedImage;
  prompt?: string;
  attributes: Record<string, string | number | boolean>;
}

/**
 * A per-asset metric. One file under `image/metrics/` default-exports one definition; the registry finds
 * it at start-up, so adding a metric touches no other file.
 */
export interface MetricDefinition {
  name: string;
  /** bumped whenever the numbers a metric produces could change */
  version: string;
  modality: Modality;
  description: string;
  scores: ScoreSpec[];
  needs: { prompt?: boolean; reference?: boolean; models?: string[] };
  cost: 'cpu' | 'model' | 'gpu';
  compute(input: ImageInput, ctx: MetricContext): Promise<MetricResult> | MetricResult;
}

/** The metric has no defined value for this input (e.g. a 1×1 image for a filter); not an asset failure. */
export class MetricNotApplicable extends Error {
  override name = 'MetricNotApplicable';
}

export function defineMetric(definition: MetricDefinition): MetricDefinition {
  return definition;
}
