import type { MetricOutcome } from '@assay/contracts';
import { evaluate, type Evaluation, type MetricTimer } from './evaluate.js';
import { frameStat, frameStatsFor } from './frame-stats.js';
import type { MetricContext, VideoInput } from './metric.js';
import type { ResolvedMetric } from './registry.js';

/**
 * A video suite: its video metrics once on the whole clip, its image metrics on every sampled frame. Per-frame
 * scores become `<metric>.<score>.<stat>` (see frameStatsFor); a per-frame metric is `ok` when it produced a
 * value on at least one frame, and its fingerprints are the middle sampled frame's.
 */
export async function evaluateVideo(
  metrics: ResolvedMetric[],
  input: VideoInput,
  ctx: MetricContext,
  onTiming?: MetricTimer,
): Promise<Evaluation> {
  const whole = await evaluate(
    metrics.filter((m) => !m.perFrame),
    input,
    ctx,
    onTiming,
  );
  const perFrame = metrics.filter((m) => m.perFrame);
  if (!perFrame.length) return whole;

  const begin = performance.now();
  const frames: Evaluation[] = [];
  for (const sample of input.samples) {
    frames.push(await evaluate(perFrame, { image: sample.image, prompt: input.prompt, attributes: input.attributes }, ctx, onTiming));
  }
  const scores = { ...whole.scores };
  const fingerprints = { ...whole.fingerprints };
  const outcomes: MetricOutcome[] = [...whole.outcomes];
  const middle = frames[Math.floor(frames.length / 2)];
  for (const { def } of perFrame) {
    const mine = frames.map((f) => f.outcomes.find((o) => o.metric === def.name)!);
    const ok = mine.filter((o) => o.status === 'ok');
    const durationMs = mine.reduce((sum, o) => sum + o.durationMs, 0);
    const base = { metric: def.name, version: def.version, durationMs };
    if (!ok.length) {
      const first = mine[0];
      outcomes.push(
        first
          ? { ...base, status: first.status, reason: first.reason }
          : { ...base, status: 'not_applicable', reason: { code: 'metric_not_applicable', message: 'no frames were sampled' } },
      );
      continue;
    }
    for (const spec of def.scores) {
      const key = `${def.name}.${spec.key}`;
      const values = frames.map((f) => f.scores[key]).filter((v): v is number => v !== undefined);
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
        framesScored: ok.length,
        framesSampled: mine.length,
        ...(skipped.length ? { framesSkipped: skipped.map((o) => o.reason?.code ?? o.status) } : {}),
      },
    });
  }
  return {
    scores,
    fingerprints: Object.keys(fingerprints).length ? fingerprints : undefined,
    // the clip's own metrics say what they censored; per-frame statistics of image metrics are not flagged
    censored: whole.censored,
    outcomes,
    metricsMs: whole.metricsMs + (performance.now() - begin),
    inferenceMs: whole.inferenceMs + frames.reduce((sum, f) => sum + f.inferenceMs, 0),
  };
}
