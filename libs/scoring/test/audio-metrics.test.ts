import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelNames,
  evaluate,
  loudnessWeights,
  MetricRegistry,
  resampleSwr,
  type AudioInput,
  type Evaluation,
  type ModelRunner,
} from '@assay/scoring';
import { ALSA, audioInput, ffmpeg, FREEDESKTOP, makeAudioFixtures, type AudioFixtures } from './audio-fixtures.js';

const CPU_METRICS = ['loudness', 'clipping', 'dc_offset', 'silence', 'bandwidth', 'snr'];
const ctx = { models: { run: () => Promise.reject(new Error('no models in this test')) } as ModelRunner, file: (p: string) => p };

let fx: AudioFixtures;
let registry: MetricRegistry;
const inputs = new Map<string, AudioInput>();

function input(path: string): AudioInput {
  let i = inputs.get(path);
  if (!i) inputs.set(path, (i = audioInput(path)));
  return i;
}

async function run(path: string, names = CPU_METRICS, params: Record<string, Record<string, unknown>> = {}): Promise<Evaluation> {
  const suite = registry.resolveSuite({
    name: 't',
    source: 'test',
    metrics: names.map((metric) => ({ metric, params: params[metric] ?? {}, thresholds: {} })),
  });
  return evaluate(suite.metrics, input(path), ctx);
}

const details = (e: Evaluation, metric: string) => e.outcomes.find((o) => o.metric === metric)!.details as Record<string, any>;

beforeAll(async () => {
  fx = makeAudioFixtures();
  registry = await MetricRegistry.load();
}, 60_000);
afterAll(() => fx?.cleanup());

describe('loudness (EBU R 128)', () => {
  it('is linear: the same speech 6 dB quieter measures 6.00 LU / dB lower', async () => {
    const quieter = `${fx.dir}/quieter.wav`;
    ffmpeg('-i', fx.speech, '-af', 'volume=-6dB', '-c:a', 'pcm_f32le', quieter);
    const a = (await run(fx.speech, ['loudness'])).scores;
    const b = (await run(quieter, ['loudness'])).scores;
    expect(a['loudness.integrated_lufs']).toBeGreaterThan(-21);
    expect(a['loudness.integrated_lufs']).toBeLessThan(-19);
    for (const k of ['integrated_lufs', 'max_momentary_lufs', 'true_peak_dbtp', 'sample_peak_dbfs']) {
      expect(a[`loudness.${k}`] - b[`loudness.${k}`], k).toBeCloseTo(6, 2);
    }
    expect(b['loudness.loudness_range_lu']).toBeCloseTo(a['loudness.loudness_range_lu'], 2);
  });

  it('gates silence out: padding the speech with 3 s of silence moves the integrated loudness < 0.3 LU', async () => {
    const speech = (await run(fx.speech, ['loudness'])).scores['loudness.integrated_lufs'];
    const padded = await run(fx.padded, ['loudness']);
    expect(Math.abs(padded.scores['loudness.integrated_lufs'] - speech)).toBeLessThan(0.3);
    expect(details(padded, 'loudness').gatedBlocks).toBeLessThan(details(padded, 'loudness').blocks);
  });

  it('true peak is never below the sample peak, and finds the inter-sample overs of clipped audio', async () => {
    for (const path of [fx.speech, fx.noisy, `${FREEDESKTOP}/alarm-clock-elapsed.oga`, `${ALSA}/Front_Center.wav`]) {
      const s = (await run(path, ['loudness'])).scores;
      expect(s['loudness.true_peak_dbtp'], path).toBeGreaterThanOrEqual(s['loudness.sample_peak_dbfs']);
    }
    const clipped = (await run(fx.clipped, ['loudness'])).scores;
    expect(clipped['loudness.sample_peak_dbfs']).toBeCloseTo(0, 3);
    expect(clipped['loudness.true_peak_dbtp']).toBeGreaterThan(1);
  });

  it('weights channels by the layout: LFE 0, surround 1.41 (BS.1770), ffmpeg’s default layout when none is declared', () => {
    const probe = (channelLayout?: string) => ({
      container: 'wav',
      durationSeconds: 1,
      bytes: 1,
      streams: ['audio'],
      audio: { index: 0, codec: 'pcm_s16le', sampleRate: 48000, channels: 6, channelLayout },
    });
    expect(loudnessWeights(channelNames(probe('5.1'), 6).names)).toEqual([1, 1, 1, 0, 1.41, 1.41]);
    expect(loudnessWeights(channelNames(probe('5.1(side)'), 6).names)).toEqual([1, 1, 1, 0, 1.41, 1.41]);
    expect(channelNames(probe(), 6).layout).toBe('5.1 (assumed for 6 channels)');
    expect(loudnessWeights(channelNames(probe(), 2).names)).toEqual([1, 1]);
    expect(channelNames(probe(), 12).names).toEqual(Array(12).fill(null));
  });

  it('shorter than one 400 ms block: integrated floored at −70 with a flag, LRA 0, peaks measured', async () => {
    const bell = await run(`${FREEDESKTOP}/bell.oga`, ['loudness']);
    expect(bell.scores['loudness.integrated_lufs']).toBe(-70);
    expect(bell.scores['loudness.loudness_range_lu']).toBe(0);
    expect(bell.scores['loudness.true_peak_dbtp']).toBeGreaterThan(-20);
    expect(details(bell, 'loudness').flags).toContain('integrated: shorter than one 400 ms block; floored at −70');
  });
});

describe('clipping and DC offset', () => {
  it('clipped speech (+20 dB, saturated by the PCM16 encoder) has flat tops; the original none', async () => {
    const clipped = (await run(fx.clipped, ['clipping'])).scores;
    const clean = (await run(fx.speech, ['clipping'])).scores;
    expect(clipped['clipping.ratio']).toBeGreaterThan(0.05);
    expect(clipped['clipping.runs']).toBeGreaterThan(100);
    expect(clipped['clipping.longest_run']).toBeGreaterThanOrEqual(10);
    expect(clean).toEqual({ 'clipping.ratio': 0, 'clipping.runs': 0, 'clipping.runs_per_second': 0, 'clipping.longest_run': 0 });
  });

  it('measures the DC ffmpeg added (dcshift=0.1) to within the PCM16 step', async () => {
    const shifted = (await run(fx.dcShifted, ['dc_offset'])).scores;
    const clean = (await run(fx.speech, ['dc_offset'])).scores;
    expect(Math.abs(clean['dc_offset.mean'])).toBeLessThan(0.002);
    expect(shifted['dc_offset.mean'] - clean['dc_offset.mean']).toBeCloseTo(0.1, 3);
    expect(shifted['dc_offset.max_abs']).toBe(Math.abs(shifted['dc_offset.mean']));
  });
});

describe('silence', () => {
  it('padding adds its 1 s lead-in and 2 s tail to the silent time, to within a frame', async () => {
    const speech = await run(fx.speech, ['silence']);
    const padded = await run(fx.padded, ['silence']);
    const silentSeconds = (e: Evaluation, duration: number) => e.scores['silence.ratio'] * duration;
    const d = input(fx.speech).pcm.durationSeconds;
    expect(input(fx.padded).pcm.durationSeconds - d).toBeCloseTo(3, 3);
    expect(speech.scores['silence.ratio']).toBeGreaterThan(0.05);
    expect(speech.scores['silence.ratio']).toBeLessThan(0.3);
    expect(Math.abs(silentSeconds(padded, d + 3) - silentSeconds(speech, d) - 3)).toBeLessThan(0.04);
    expect(padded.scores['silence.leading_seconds']).toBeCloseTo(1, 1);
    expect(Math.abs(padded.scores['silence.trailing_seconds'] - speech.scores['silence.trailing_seconds'] - 2)).toBeLessThan(0.04);
  });

  it('noise is never silent', async () => {
    expect((await run(fx.noisy, ['silence'])).scores['silence.ratio']).toBe(0);
  });
});

describe('effective bandwidth', () => {
  it('shows the Nyquist frequency of the rate a recording went through (8 kHz → ~4 kHz, 16 kHz → ~8 kHz)', async () => {
    const original = (await run(`${ALSA}/Front_Center.wav`, ['bandwidth'])).scores['bandwidth.effective_hz'];
    const via8k = (await run(fx.upsampled8k, ['bandwidth'])).scores;
    const via16k = (await run(fx.upsampled16k, ['bandwidth'])).scores['bandwidth.effective_hz'];
    // swresample's transition band lies just above the old Nyquist frequency
    expect(via8k['bandwidth.effective_hz']).toBeGreaterThan(3800);
    expect(via8k['bandwidth.effective_hz']).toBeLessThan(4500);
    expect(via8k['bandwidth.ratio']).toBeLessThan(0.2);
    expect(via16k).toBeGreaterThan(7800);
    expect(via16k).toBeLessThan(9200);
    expect(original).toBeGreaterThan(12_000);
  });

  it('white noise reaches the Nyquist frequency', async () => {
    expect((await run(fx.noisy, ['bandwidth'])).scores['bandwidth.ratio']).toBe(1);
  });
});

describe('WADA-SNR', () => {
  it('orders clean > noisy > noisier speech, by several dB each', async () => {
    const snr = async (p: string) => (await run(p, ['snr'])).scores['snr.snr_db'];
    const [clean, noisy, noisier] = [await snr(fx.speech), await snr(fx.noisy), await snr(fx.noisier)];
    expect(clean - noisy).toBeGreaterThan(5);
    expect(noisy - noisier).toBeGreaterThan(5);
    expect(noisier).toBeGreaterThan(-20);
    expect(clean).toBeLessThan(100);
  });

  it('leaves digital silence out: padding changes nothing, where the reference function would say 100 dB', async () => {
    const clean = await run(fx.speech, ['snr']);
    const padded = await run(fx.padded, ['snr']);
    expect(padded.scores['snr.snr_db']).toBe(clean.scores['snr.snr_db']);
    expect(details(padded, 'snr').digitalSilenceRatio).toBeGreaterThan(details(clean, 'snr').digitalSilenceRatio);
    const reference = await run(fx.padded, ['snr'], { snr: { digitalSilenceMs: 0 } });
    expect(reference.scores['snr.snr_db']).toBe(100);
    // the table's end is a cap, not a measurement: flagged, so run means leave it out
    expect(reference.censored).toEqual({ 'snr.snr_db': 'above' });
    expect(clean.censored).toBeUndefined();
  });
});

describe('digital silence (2 s, stereo)', () => {
  it('every metric is a defined number or not applicable, never NaN', async () => {
    const e = await run(fx.silence, [...CPU_METRICS, 'voice_activity', 'dnsmos']);
    for (const v of Object.values(e.scores)) expect(Number.isFinite(v)).toBe(true);
    expect(e.outcomes.filter((o) => o.status === 'error')).toEqual([]);
    expect(e.scores).toMatchObject({
      'loudness.integrated_lufs': -70,
      'loudness.loudness_range_lu': 0,
      'loudness.true_peak_dbtp': -150,
      'loudness.sample_peak_dbfs': -150,
      'clipping.ratio': 0,
      'dc_offset.max_abs': 0,
      'silence.ratio': 1,
      'silence.leading_seconds': 2,
      'bandwidth.effective_hz': 0,
    });
    // floors, not measurements: thresholds see them, run statistics leave them out
    expect(e.censored).toEqual({
      'loudness.integrated_lufs': 'below',
      'loudness.max_momentary_lufs': 'below',
      'loudness.max_short_term_lufs': 'below',
      'loudness.true_peak_dbtp': 'below',
      'loudness.sample_peak_dbfs': 'below',
    });
    const notApplicable = Object.fromEntries(
      e.outcomes.filter((o) => o.status === 'not_applicable').map((o) => [o.metric, o.reason?.message]),
    );
    expect(Object.keys(notApplicable).sort()).toEqual(['dnsmos', 'snr', 'voice_activity']);
    expect(notApplicable.snr).toMatch(/digital silence/);
    // no model kit in this context: the model metrics say so
    expect(notApplicable.voice_activity).toMatch(/needs the ONNX model silero-vad through a model registry/);
    expect(notApplicable.dnsmos).toMatch(/needs the ONNX model dnsmos-p835 through a model registry/);
  });
});

describe('model metrics declare their models', () => {
  it('a suite with voice_activity and dnsmos lists the models the worker must load', () => {
    const suite = (dnsmosModel?: string) =>
      registry.resolveSuite({
        name: 't',
        source: 'test',
        metrics: [
          { metric: 'voice_activity', params: {}, thresholds: {} },
          { metric: 'dnsmos', params: dnsmosModel ? { model: dnsmosModel } : {}, thresholds: {} },
        ],
      });
    expect(suite().models).toEqual(['silero-vad', 'dnsmos-p835']);
    expect(suite('dnsmos-p835-personalized').models).toEqual(['silero-vad', 'dnsmos-p835-personalized']);
    expect(registry.get('voice_activity')!.cost).toBe('model');
    expect(registry.get('dnsmos')!.cost).toBe('model');
    expect(suite().modality).toBe('audio');
  });
});

describe('the 16 kHz copy', () => {
  it('the swresample port equals ffmpeg’s aresample (default filter) to float32 rounding', () => {
    const speech = input(fx.speech).pcm;
    const ours = resampleSwr(speech.channels[0], speech.sampleRate, 16000);
    const ffmpegs = speech.mono16k!;
    expect(ours.length).toBe(ffmpegs.length);
    let max = 0;
    for (let i = 0; i < ours.length; i++) max = Math.max(max, Math.abs(ours[i] - ffmpegs[i]));
    expect(max).toBeLessThan(1e-6);
  });
});
