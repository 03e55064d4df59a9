import type { MetricOutcome } from '@assay/contracts';
import type { DecodedImage } from '@assay/media';
import { evaluate, type Evaluation, type MetricTimer } from './evaluate.js';
import { frameStat, frameStatsFor } from './frame-stats.js';
import type { MeshInput, MetricContext, VideoInput } from './metric.js';
import type { ResolvedMetric } from './registry.js';

/** What the images are called in outcome details (`framesScored`, `viewsSampled`). */
export type SampleNoun = 'frames' | 'views';

/**
 * A suite of a modality that samples images (video frames, rendered views of a mesh): its own metrics once on
 * the whole asset, its image metrics on every image. Per-image scores become `<metric>.<score>.<stat>` (see
 * frameStatsFor); a per-image metric is `ok` when it produced a value on at least one image, and its
 * fingerprints are the middle image's.
 */
export async function evaluateWithSamples<I extends VideoInput | MeshInput>(
  metrics: ResolvedMetric[],
  input: I,
  images: DecodedImage[],
  noun: SampleNoun,
  ctx: MetricContext,
  onTiming?: MetricTimer,
  /** why there are no images, when the input could not make them */
  missing?: string,
): Promise<Evaluation> {
  const whole = await evaluate(
    metrics.filter((m) => !m.perSample),
    input,
    ctx,
    onTiming,
  );
  const perSample = metrics.filter((m) => m.perSample);
  if (!perSample.length) return whole;

  const begin = performance.now();
  const samples: Evaluation[] = [];
  for (const image of images) {
    samples.push(await evaluate(perSample, { image, prompt: input.prompt, attributes: input.attributes }, ctx, onTiming));
  }
  const scores = { ...whole.scores };
  const fingerprints = { ...whole.fingerprints };
  const outcomes: MetricOutcome[] = [...whole.outcomes];
  const middle = samples[Math.floor(samples.length / 2)];
  for (const { def } of perSample) {
    const mine = samples.map((f) => f.outcomes.find((o) => o.metric === def.name)!);
    const ok = mine.filter((o) => o.status === 'ok');
    const durationMs = mine.reduce((sum, o) => sum + o.durationMs, 0);
    const base = { metric: def.name, version: def.version, durationMs };
    if (!ok.length) {
      const first = mine[0];
      outcomes.push(
        first
          ? { ...base, status: first.status, reason: first.reason }
          : { ...base, status: 'not_applicable', reason: { code: 'metric_not_applicable', message: missing ?? `no ${noun} were sampled` } },
      );
      continue;
    }
    for (const spec of def.scores) {
      const key = `${def.name}.${spec.key}`;
      const values = samples.map((f) => f.scores[key]).filter((v): v is number => v !== undefined);
      if (!values.length) continue;
      for (const stat of frameStatsFor(spec.direction)) scores[`${key}.${stat}`] = frameStat(values, stat);
    }
    for (const key of def.fingerprints ?? []) {
      const print = middle?.fingerprints?.[`${def.name}.${key}`];
      if (print) fingerprints[`${def.name}.${key}`] = print;
    }
    const skipped = mine.filter((o) => o.status !== 'ok');
    outcomes.push({
      ...base,
      status: 'ok',
      model: ok[0].model,
      details: {
        [`${noun}Scored`]: ok.length,
        [`${noun}Sampled`]: mine.length,
        ...(skipped.length ? { [`${noun}Skipped`]: skipped.map((o) => o.reason?.code ?? o.status) } : {}),
      },
    });
  }
  return {
    scores,
    fingerprints: Object.keys(fingerprints).length ? fingerprints : undefined,
    // the asset's own metrics say what they censored; statistics of image metrics over samples are not flagged
    censored: whole.censored,
    outcomes,
    metricsMs: whole.metricsMs + (performance.now() - begin),
    inferenceMs: whole.inferenceMs + samples.reduce((sum, f) => sum + f.inferenceMs, 0),
  };
}

/** A video suite: temporal metrics on the clip, image metrics on the sampled frames. */
export function evaluateVideo(
  metrics: ResolvedMetric[],
  input: VideoInput,
  ctx: MetricContext,
  onTiming?: MetricTimer,
): Promise<Evaluation> {
  return evaluateWithSamples(
    metrics,
    input,
    input.samples.map((s) => s.image),
    'frames',
    ctx,
    onTiming,
  );
}

/** A 3D suite: mesh metrics on the asset, image metrics on its rendered views. */
export function evaluateMesh(metrics: ResolvedMetric[], input: MeshInput, ctx: MetricContext, onTiming?: MetricTimer): Promise<Evaluation> {
  return evaluateWithSamples(metrics, input, input.views, 'views', ctx, onTiming, input.viewsProblem && `no views: ${input.viewsProblem}`);
}
