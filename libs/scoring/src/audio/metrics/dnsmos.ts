import { z } from 'zod';
import { defineMetric } from '../../metric.js';
import { speechModelInput } from '../speech-model.js';

const MAX_DETAIL_WINDOWS = 30;
const LABELS = ['sig', 'bak', 'ovrl'] as const;

const Params = z.object({ model: z.string().default('dnsmos-p835') }).strict();

/**
 * DNSMOS P.835 (Microsoft DNS Challenge) on the 16 kHz mono copy, as `dnsmos_local.py` computes it: 9.01 s
 * windows with a 1 s hop (clips shorter than one window repeated), the model's raw (SIG, BAK, OVRL) mapped
 * by the published polynomials (in the model's manifest), averaged over the windows. The P.808 model
 * (`model_v8.onnx`, librosa mel front end) is not run.
 */
export default defineMetric({
  name: 'dnsmos',
  version: '1.0.0',
  modality: 'audio',
  description:
    'DNSMOS P.835 (ONNX, 16 kHz): speech signal quality (SIG), background noise (BAK) and overall quality (OVRL) on ' +
    'the MOS scale, mean over 9.01 s windows with 1 s hop; raw model outputs too.',
  scores: [
    { key: 'sig', description: 'speech signal quality (P.835 SIG), polynomial-mapped', range: [1, 5], direction: 'higher' },
    { key: 'bak', description: 'background noise quality (P.835 BAK), polynomial-mapped', range: [1, 5], direction: 'higher' },
    { key: 'ovrl', description: 'overall quality (P.835 OVRL), polynomial-mapped', range: [1, 5], direction: 'higher' },
    { key: 'sig_raw', description: 'raw SIG output of the model', range: [null, null], direction: 'higher' },
    { key: 'bak_raw', description: 'raw BAK output of the model', range: [null, null], direction: 'higher' },
    { key: 'ovrl_raw', description: 'raw OVRL output of the model', range: [null, null], direction: 'higher' },
  ],
  params: Params,
  modelsFor: (p) => [p.model],
  needs: {},
  cost: 'model',
  async compute({ pcm }, ctx, p) {
    const { run, samples, source } = speechModelInput(pcm, ctx, 'speechQuality', p.model);
    const r = await run(p.model, samples, 16000);
    const missing = LABELS.filter((l) => !r.labels.includes(l));
    if (missing.length) throw new Error(`model ${p.model} has no scores ${missing.join(', ')}`);
    if (!r.windows.length) throw new Error(`model ${p.model}: no window was scored`);
    const mean = (pick: (w: (typeof r.windows)[number]) => number) => r.windows.reduce((s, w) => s + pick(w), 0) / r.windows.length;
    const scores: Record<string, number> = {};
    for (const l of LABELS) {
      scores[l] = mean((w) => w.score[l]);
      scores[`${l}_raw`] = mean((w) => w.raw[l]);
    }
    const round = (x: number) => Number(x.toFixed(4));
    return {
      scores,
      details: {
        windows: r.windows.length,
        windowSamples: r.windowSamples,
        hopSamples: r.hopSamples,
        repeated: r.repeated,
        audio16k: source,
        perWindow: r.windows
          .slice(0, MAX_DETAIL_WINDOWS)
          .map((w) => ({ start: Number((w.start / 16000).toFixed(3)), ...Object.fromEntries(LABELS.map((l) => [l, round(w.score[l])])) })),
      },
      model: r.model,
      inferenceMs: r.inferenceMs,
    };
  },
});
