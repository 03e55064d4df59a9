/**
 * The model-backed audio metrics (voice_activity: Silero VAD; dnsmos: DNSMOS P.835) as a worker runs them:
 * a ModelRegistry over ../shared/models and a ModelKit with onnxruntime-node on CPU.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceHost } from '@assay/inference';
import { ModelKit, ModelRegistry } from '@assay/models';
import { evaluate, MetricRegistry, type AudioInput, type Evaluation, type MetricContext } from '@assay/scoring';
import { quietLogger } from '../../../test/helpers/env.js';
import { audioInput, ffmpeg, makeAudioFixtures, MODEL_DIR, SILERO_TEST_WAV, type AudioFixtures } from './audio-fixtures.js';

let fx: AudioFixtures;
let host: InferenceHost;
let metrics: MetricRegistry;
let ctx: MetricContext;
const inputs = new Map<string, AudioInput>();

function input(path: string): AudioInput {
  let i = inputs.get(path);
  if (!i) inputs.set(path, (i = audioInput(path)));
  return i;
}

async function run(names: string[], audio: AudioInput): Promise<Evaluation> {
  const suite = metrics.resolveSuite({
    name: 't',
    source: 'test',
    metrics: names.map((metric) => ({ metric, params: {}, thresholds: {} })),
  });
  return evaluate(suite.metrics, audio, ctx);
}

const details = (e: Evaluation, metric: string) => e.outcomes.find((o) => o.metric === metric)!.details as Record<string, any>;
const segmentsOf = async (path: string) =>
  details(await run(['voice_activity'], input(path)), 'voice_activity').segments as { start: number; end: number }[];

beforeAll(async () => {
  fx = makeAudioFixtures();
  host = new InferenceHost(['cpu'], quietLogger());
  const registry = await ModelRegistry.open({ host, modelDirs: [MODEL_DIR] });
  ctx = { models: host, modelCalls: new ModelKit(registry, host, () => Promise.reject(new Error('no tokenizer here'))), file: (p) => p };
  metrics = await MetricRegistry.load();
}, 60_000);

afterAll(async () => {
  await host?.close();
  fx?.cleanup();
});

describe('voice_activity (Silero VAD)', () => {
  it('finds the speech of padded espeak-ng speech 1 s later than in the unpadded clip, and none in the padding', async () => {
    const speech = await segmentsOf(fx.speech);
    const padded = await segmentsOf(fx.padded);
    const duration = input(fx.speech).pcm.durationSeconds;
    expect(padded.length).toBe(speech.length);
    expect(speech.length).toBeGreaterThanOrEqual(1);
    // chunks are 32 ms and 1 s is not a whole number of them: boundaries move by 1 s ± one chunk
    padded.forEach((s, i) => {
      expect(Math.abs(s.start - speech[i].start - 1), `start ${i}`).toBeLessThanOrEqual(0.033);
      expect(Math.abs(s.end - speech[i].end - 1), `end ${i}`).toBeLessThanOrEqual(0.033);
    });
    // the 30 ms speech pad may reach into the silence, no further than a chunk
    expect(padded[0].start).toBeGreaterThan(1 - 0.03 - 0.032);
    expect(padded.at(-1)!.end).toBeLessThan(1 + duration + 0.03 + 0.032);
    const e = await run(['voice_activity'], input(fx.padded));
    expect(e.scores['voice_activity.speech_ratio']).toBeCloseTo(e.scores['voice_activity.speech_seconds'] / (duration + 3), 2);
    expect(e.outcomes[0].model).toMatchObject({ id: 'silero-vad', provider: 'cpu' });
  });

  it('most of Silero’s own test recording is speech; its chunk decisions match SOURCE.md (77.44 % of chunks)', async () => {
    const e = await run(['voice_activity'], input(SILERO_TEST_WAV));
    expect(e.scores['voice_activity.chunk_ratio']).toBe(0.7744);
    expect(e.scores['voice_activity.segments']).toBeGreaterThan(5);
    expect(e.scores['voice_activity.speech_ratio']).toBeGreaterThan(0.7);
    expect(e.scores['voice_activity.speech_ratio']).toBeLessThan(1);
    expect(details(e, 'voice_activity').audio16k).toBe('decoder');
  });

  it('digital silence has no speech; white noise hardly any', async () => {
    const silent = await run(['voice_activity'], input(fx.silence));
    expect(silent.scores).toEqual({
      'voice_activity.speech_ratio': 0,
      'voice_activity.segments': 0,
      'voice_activity.speech_seconds': 0,
      'voice_activity.chunk_ratio': 0,
    });
    const noisePath = `${fx.dir}/noise.wav`;
    ffmpeg('-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.3:r=16000:seed=3', '-t', '4', noisePath);
    expect((await run(['voice_activity'], input(noisePath))).scores['voice_activity.speech_ratio']).toBeLessThan(0.1);
  });
});

describe('dnsmos (DNSMOS P.835)', () => {
  it('clean speech scores higher BAK and OVRL than the same speech with noise, and lower noise ranks between', async () => {
    // padded to 9.1 s: one 9.01 s window each (an 8 s clip would be doubled into 7 windows)
    const oneWindow = (path: string) => {
      const out = path.replace(/\.wav$/, '-9s.wav');
      ffmpeg('-i', path, '-af', 'apad=whole_dur=9.1', out);
      return out;
    };
    const score = async (path: string) => {
      const e = await run(['dnsmos'], input(oneWindow(path)));
      expect(details(e, 'dnsmos')).toMatchObject({ windows: 1, repeated: false });
      return e.scores;
    };
    const [clean, noisy, noisier] = [await score(fx.speech), await score(fx.noisy), await score(fx.noisier)];
    expect(clean['dnsmos.bak'] - noisy['dnsmos.bak']).toBeGreaterThan(0.8);
    expect(clean['dnsmos.ovrl'] - noisy['dnsmos.ovrl']).toBeGreaterThan(0.3);
    for (const k of ['dnsmos.bak', 'dnsmos.ovrl']) expect(noisy[k], k).toBeGreaterThan(noisier[k]);
    for (const s of [clean, noisy, noisier]) {
      for (const k of ['sig', 'bak', 'ovrl']) {
        expect(s[`dnsmos.${k}`]).toBeGreaterThan(1);
        expect(s[`dnsmos.${k}`]).toBeLessThan(5);
      }
    }
  });

  it('the same on a real recording: the first 10 s of Silero’s test.wav, clean and with pink noise mixed in', async () => {
    const clean = `${fx.dir}/test10.wav`;
    const noisy = `${fx.dir}/test10-noisy.wav`;
    ffmpeg('-i', SILERO_TEST_WAV, '-t', '10', clean);
    ffmpeg(
      '-i',
      clean,
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=color=pink:amplitude=0.05:r=16000:seed=11',
      '-filter_complex',
      '[0][1]amix=inputs=2:duration=first:normalize=0',
      noisy,
    );
    const a = await run(['dnsmos', 'snr'], input(clean));
    const b = await run(['dnsmos', 'snr'], input(noisy));
    expect(details(a, 'dnsmos')).toMatchObject({ windows: 1, repeated: false, audio16k: 'decoder' });
    expect(a.scores['dnsmos.ovrl'] - b.scores['dnsmos.ovrl']).toBeGreaterThan(0.3);
    expect(a.scores['dnsmos.bak'] - b.scores['dnsmos.bak']).toBeGreaterThan(0.5);
    expect(a.scores['snr.snr_db']).toBeGreaterThan(b.scores['snr.snr_db']);
  });

  it('a 48 kHz stereo input without the decoder’s 16 kHz copy gets the same scores from the swresample port', async () => {
    const stereo = `${fx.dir}/stereo48k.wav`;
    ffmpeg('-i', SILERO_TEST_WAV, '-t', '9.5', '-ar', '48000', '-ac', '2', '-c:a', 'pcm_f32le', stereo);
    const full = input(stereo);
    const { mono16k: _dropped, ...pcm } = full.pcm;
    const a = await run(['dnsmos'], full);
    const b = await run(['dnsmos'], { ...full, pcm });
    expect(details(a, 'dnsmos').audio16k).toBe('decoder');
    expect(details(b, 'dnsmos').audio16k).toBe('assay-swr');
    for (const k of ['sig', 'bak', 'ovrl']) expect(Math.abs(a.scores[`dnsmos.${k}`] - b.scores[`dnsmos.${k}`]), k).toBeLessThan(1e-3);
  });

  it('digital silence gets defined scores (the model’s output for zeros), never NaN', async () => {
    const e = await run(['dnsmos', 'voice_activity'], input(fx.silence));
    expect(e.outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
    for (const v of Object.values(e.scores)) expect(Number.isFinite(v)).toBe(true);
    expect(e.scores['dnsmos.ovrl_raw']).toBeCloseTo(1.806, 3);
  });
});
