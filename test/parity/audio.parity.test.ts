/**
 * Audio metrics against their references, on real recordings (Debian's alsa-utils and freedesktop sounds,
 * Silero VAD's test recording, espeak-ng speech and ffmpeg-made variants of them):
 * - loudness: integrated loudness, loudness range and true peak against FFmpeg 5.1's `ebur128=peak=true`
 *   (its printed summary, one decimal, and its `metadata=1` frame values, three decimals);
 * - the libswresample port (true peak's 192 kHz oversampler, the fallback 16 kHz copy) against ffmpeg's
 *   `aresample`, sample by sample;
 * - WADA-SNR, digital-silence removal, effective bandwidth, the Silero VAD segmenting and DNSMOS's windows
 *   and polynomials against test/parity/audio_reference.py (numpy / scipy; see its header), and WADA-SNR
 *   against the true SNR of speech mixed with Gaussian noise.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceHost } from '@assay/inference';
import { ModelKit, ModelRegistry, speechQualityWindows } from '@assay/models';
import {
  effectiveBandwidth,
  evaluate,
  getSpeechTimestamps,
  MetricRegistry,
  resampleSwr,
  wadaSnr,
  WADA_G,
  type AudioInput,
  type MetricContext,
  type SpeechTimestampOptions,
} from '@assay/scoring';
import {
  ALSA,
  audioInput,
  ffmpeg,
  FREEDESKTOP,
  makeAudioFixtures,
  MODEL_DIR,
  SILERO_TEST_WAV,
  type AudioFixtures,
} from '../../libs/scoring/test/audio-fixtures.js';
import { quietLogger } from '../helpers/env.js';
import { PYTHON } from './parity.js';

/** the issue's bounds against ffmpeg's printed summary (which is itself rounded to 0.05) */
const SUMMARY_TOL = 0.1;
/**
 * against ffmpeg's three-decimal frame metadata; observed ≤ 0.007 LU: FFmpeg sums 0.01 LU histogram bins
 * (each block counted at its bin's lower edge), Assay the block powers themselves
 */
const METADATA_LU_TOL = 0.02;
/** true peak (linear) against the metadata's three decimals: half a unit of its last digit, plus float noise */
const METADATA_PEAK_TOL = 0.0006;
/** same float32 samples, float64 sums in a different order */
const WADA_TOL_DB = 1e-6;
/** WADA-SNR estimate against the SNR of Silero's test recording + Gaussian noise, 0 … 20 dB (observed ≤ 1.2 dB) */
const WADA_TRUTH_TOL_DB = 1.5;
/** the published G table against the Gamma(0.4) + Gaussian model by Monte Carlo (observed ≤ 0.006) */
const WADA_TABLE_TOL = 0.01;

let fx: AudioFixtures;
let dir: string;
let metrics: MetricRegistry;
let host: InferenceHost;
let ctx: MetricContext;
let kit: ModelKit;

const f32 = (name: string, data: Float32Array) => {
  const path = join(dir, `${name}.f32`);
  writeFileSync(path, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return path;
};

async function reference<T>(job: Record<string, unknown>): Promise<T> {
  const path = join(dir, `job-${Object.keys(job).join('-')}.json`);
  writeFileSync(path, JSON.stringify(job));
  try {
    return JSON.parse((await promisify(execFile)(PYTHON, ['test/parity/audio_reference.py', path], { maxBuffer: 64 << 20 })).stdout) as T;
  } catch (err) {
    throw new Error(`audio_reference.py failed:\n${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
}

async function score(metric: string, input: AudioInput, params: Record<string, unknown> = {}) {
  const suite = metrics.resolveSuite({ name: 'parity', source: 'test', metrics: [{ metric, params, thresholds: {} }] });
  const e = await evaluate(suite.metrics, input, ctx);
  expect(e.outcomes[0].status, `${metric}: ${e.outcomes[0].reason?.message}`).toBe('ok');
  return { scores: e.scores, details: e.outcomes[0].details as Record<string, any> };
}

/** A deterministic N(0, 1) stream (mulberry32 + Box–Muller), so the mixtures are the same on every run. */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

beforeAll(async () => {
  fx = makeAudioFixtures();
  dir = fx.dir;
  // six alsa recordings as one 5.1 file (LFE: Noise.wav) and eight of them in a row (11.4 s)
  const alsa = (n: string) => ['-i', `${ALSA}/${n}.wav`];
  ffmpeg(
    ...['Front_Left', 'Front_Right', 'Front_Center', 'Noise', 'Rear_Left', 'Rear_Right'].flatMap(alsa),
    '-filter_complex',
    'join=inputs=6:channel_layout=5.1',
    '-c:a',
    'pcm_s16le',
    join(dir, 'surround51.wav'),
  );
  const eight = ['Front_Left', 'Front_Right', 'Front_Center', 'Rear_Left', 'Rear_Right', 'Side_Left', 'Side_Right', 'Rear_Center'];
  ffmpeg(...eight.flatMap(alsa), '-filter_complex', 'concat=n=8:v=0:a=1', '-c:a', 'pcm_s16le', join(dir, 'alsa-concat.wav'));
  metrics = await MetricRegistry.load();
  host = new InferenceHost(['cpu'], quietLogger());
  kit = new ModelKit(await ModelRegistry.open({ host, modelDirs: [MODEL_DIR] }), host, () =>
    Promise.reject(new Error('no tokenizer here')),
  );
  ctx = { models: host, modelCalls: kit, file: (p) => p };
}, 120_000);

afterAll(async () => {
  await host?.close();
  fx?.cleanup();
});

interface Ebur128 {
  summary: { I: number; LRA: number; TP: number };
  metadata: { I: number; LRA: number; TP: number };
}

/** ffmpeg's ebur128=peak=true over the file: the summary it logs (stderr) and the last frame's metadata (stdout). */
function ebur128(path: string): Ebur128 {
  const args = [
    '-nostdin',
    '-hide_banner',
    '-nostats',
    '-i',
    path,
    '-af',
    'ebur128=peak=true:metadata=1,ametadata=print:file=-',
    '-f',
    'null',
    '-',
  ];
  const r = spawnSync('ffmpeg', args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`ffmpeg ebur128 failed on ${path}: ${r.stderr}`);
  const { stdout, stderr: summaryText } = r;
  const summary = summaryText.slice(summaryText.lastIndexOf('Summary:'));
  const num = (re: RegExp, text: string) => {
    const m = re.exec(text);
    if (!m) throw new Error(`no ${re} in ffmpeg's output for ${path}`);
    return m[1] === '-inf' ? -Infinity : Number(m[1]);
  };
  const last = (key: string) => {
    const all = [...stdout.matchAll(new RegExp(`lavfi\\.r128\\.${key}=(\\S+)`, 'g'))];
    return Number(all.at(-1)![1]);
  };
  return {
    summary: {
      I: num(/I:\s+(-?[\d.]+|-inf) LUFS/, summary),
      LRA: num(/LRA:\s+(-?[\d.]+) LU/, summary),
      TP: num(/True peak:\s+Peak:\s+(-?[\d.]+|-inf)/, summary),
    },
    metadata: { I: last('I'), LRA: last('LRA'), TP: last('true_peak') },
  };
}

describe('loudness vs ffmpeg ebur128=peak=true', () => {
  it('integrated loudness, LRA and true peak on 12 real recordings (mono, stereo, 5.1; 8 … 96 kHz; 0.9 … 60 s) within 0.1', async () => {
    const files = [
      `${ALSA}/Front_Center.wav`,
      `${ALSA}/Noise.wav`,
      join(dir, 'alsa-concat.wav'),
      join(dir, 'surround51.wav'),
      `${FREEDESKTOP}/alarm-clock-elapsed.oga`,
      `${FREEDESKTOP}/complete.oga`,
      `${FREEDESKTOP}/service-login.oga`,
      `${FREEDESKTOP}/phone-outgoing-busy.oga`,
      `${FREEDESKTOP}/camera-shutter.oga`,
      SILERO_TEST_WAV,
      fx.noisy,
      fx.clipped,
    ];
    const rows: string[] = [];
    const max = { I: 0, LRA: 0, TP: 0, mI: 0, mLRA: 0, mTP: 0 };
    let stereo = 0;
    let long = 0;
    for (const file of files) {
      const input = audioInput(file);
      if (input.pcm.channels.length > 1) stereo++;
      if (input.pcm.durationSeconds >= 3) long++;
      const { scores } = await score('loudness', input);
      const ref = ebur128(file);
      const ours = {
        I: scores['loudness.integrated_lufs'],
        LRA: scores['loudness.loudness_range_lu'],
        TP: scores['loudness.true_peak_dbtp'],
      };
      const tpLinear = 10 ** (ours.TP / 20);
      const err = {
        I: Math.abs(ours.I - ref.summary.I),
        LRA: Math.abs(ours.LRA - ref.summary.LRA),
        TP: Math.abs(ours.TP - ref.summary.TP),
        mI: Math.abs(ours.I - ref.metadata.I),
        mLRA: Math.abs(ours.LRA - ref.metadata.LRA),
        mTP: Math.abs(tpLinear - ref.metadata.TP),
      };
      for (const k of Object.keys(max) as (keyof typeof max)[]) max[k] = Math.max(max[k], err[k]);
      const name = file.split('/').pop()!;
      rows.push(
        `${name.padEnd(28)} ${String(input.pcm.sampleRate).padStart(5)} Hz ×${input.pcm.channels.length} ` +
          `${input.pcm.durationSeconds.toFixed(1).padStart(5)} s  ` +
          `I ${ours.I.toFixed(3)} / ${ref.metadata.I.toFixed(3)}  LRA ${ours.LRA.toFixed(3)} / ` +
          `${ref.metadata.LRA.toFixed(3)}  TP ${ours.TP.toFixed(3)} / ${ref.summary.TP.toFixed(1)} dBTP`,
      );
      expect(err.I, `${name} integrated`).toBeLessThanOrEqual(SUMMARY_TOL);
      expect(err.LRA, `${name} LRA`).toBeLessThanOrEqual(SUMMARY_TOL);
      expect(err.TP, `${name} true peak`).toBeLessThanOrEqual(SUMMARY_TOL);
      expect(err.mI, `${name} integrated (metadata)`).toBeLessThanOrEqual(METADATA_LU_TOL);
      expect(err.mLRA, `${name} LRA (metadata)`).toBeLessThanOrEqual(METADATA_LU_TOL);
      expect(err.mTP, `${name} true peak (metadata, linear)`).toBeLessThanOrEqual(METADATA_PEAK_TOL);
    }
    expect(stereo).toBeGreaterThanOrEqual(5);
    expect(long).toBeGreaterThanOrEqual(4);
    console.log(
      `loudness vs ffmpeg ebur128 (ours / ffmpeg):\n  ${rows.join('\n  ')}\n` +
        `  max |ΔI| ${max.I.toFixed(3)} LU, |ΔLRA| ${max.LRA.toFixed(3)} LU, |ΔTP| ${max.TP.toFixed(3)} dB against the summary; ` +
        `${max.mI.toFixed(4)} LU, ${max.mLRA.toFixed(4)} LU, ${max.mTP.toFixed(5)} (linear peak) against the frame metadata`,
    );
  });
});

describe('libswresample port vs ffmpeg aresample', () => {
  it('resamples real recordings to 16 kHz (down from 22.05 … 96 kHz, up from 8 kHz) to float32 rounding', () => {
    const cases = [
      fx.speech,
      `${ALSA}/Front_Center.wav`,
      `${FREEDESKTOP}/complete.oga`,
      `${FREEDESKTOP}/camera-shutter.oga`,
      `${FREEDESKTOP}/phone-outgoing-busy.oga`,
    ];
    let worst = 0;
    for (const file of cases) {
      const pcm = audioInput(file).pcm;
      // the first channel alone, so no downmix is involved on either side
      const x = pcm.channels[0];
      const path = f32(`resample-in`, x);
      const rate = pcm.sampleRate;
      const out = execFileSync(
        'ffmpeg',
        [
          '-nostdin',
          '-v',
          'error',
          '-f',
          'f32le',
          '-ar',
          String(rate),
          '-ac',
          '1',
          '-i',
          path,
          '-af',
          'aresample=16000',
          '-f',
          'f32le',
          '-',
        ],
        { maxBuffer: 256 << 20 },
      );
      const theirs = new Float32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.length));
      const ours = resampleSwr(x, rate, 16000);
      expect(Math.abs(ours.length - theirs.length), file).toBeLessThanOrEqual(1);
      let max = 0;
      for (let i = 0; i < Math.min(ours.length, theirs.length); i++) max = Math.max(max, Math.abs(ours[i] - theirs[i]));
      expect(max, file).toBeLessThan(1e-6);
      worst = Math.max(worst, max);
    }
    console.log(`swresample port vs ffmpeg aresample=16000: max |Δ| ${worst.toExponential(2)} over ${cases.length} recordings`);
  });
});

describe('WADA-SNR vs the public Python function', () => {
  it('matches it on recordings and noisy mixtures, and estimates the true SNR of speech + Gaussian noise', async () => {
    const items: { name: string; file: string; minRun?: number }[] = [];
    const ours: Record<string, number> = {};
    const add = (name: string, x: Float32Array) => {
      items.push({ name, file: f32(name, x) });
      ours[name] = wadaSnr(x).snr;
    };
    for (const [name, file] of [
      ['espeak', fx.speech],
      ['espeak+white0.05', fx.noisy],
      ['espeak+white0.1', fx.noisier],
      ['alsa-noise', `${ALSA}/Noise.wav`],
      ['alsa-front-center', `${ALSA}/Front_Center.wav`],
      ['silero-test', SILERO_TEST_WAV],
    ]) {
      add(name, audioInput(file).pcm.channels[0]);
    }
    // Silero's test recording + Gaussian noise at known SNRs
    const speech = audioInput(SILERO_TEST_WAV).pcm.channels[0];
    let speechEnergy = 0;
    for (const v of speech) speechEnergy += v * v;
    const truth: Record<string, number> = {};
    for (const snr of [0, 5, 10, 15, 20]) {
      const g = gaussian(1000 + snr);
      const sigma = Math.sqrt(speechEnergy / speech.length / 10 ** (snr / 10));
      const noise = Float64Array.from(speech, () => sigma * g());
      const mix = Float32Array.from(speech, (v, i) => v + noise[i]);
      let noiseEnergy = 0;
      for (const v of noise) noiseEnergy += v * v;
      const name = `silero-test+gauss${snr}dB`;
      truth[name] = 10 * Math.log10(speechEnergy / noiseEnergy);
      add(name, mix);
    }
    // the metric's digital-silence removal (runs ≥ 2 ms of exact zeros), on padded speech
    const padded = audioInput(fx.padded);
    const metric = await score('snr', padded);
    items.push({ name: 'padded (metric)', file: f32('padded', padded.pcm.channels[0]), minRun: Math.round(0.002 * padded.pcm.sampleRate) });
    ours['padded (metric)'] = metric.scores['snr.snr_db'];

    const ref = await reference<{ wada: Record<string, number>; wadaTable: { db: number[]; g: number[]; table: number[] } }>({
      wada: items,
      wadaTable: { stepDb: 5, samples: 1_000_000, seed: 1 },
    });
    let maxRef = 0;
    let maxTruth = 0;
    const rows: string[] = [];
    for (const { name } of items) {
      const d = Math.abs(ours[name] - ref.wada[name]);
      maxRef = Math.max(maxRef, d);
      expect(d, name).toBeLessThanOrEqual(WADA_TOL_DB);
      let row = `${name.padEnd(26)} ${ours[name].toFixed(3).padStart(8)} dB (Python ${ref.wada[name].toFixed(3)})`;
      if (name in truth) {
        const e = Math.abs(ours[name] - truth[name]);
        maxTruth = Math.max(maxTruth, e);
        expect(e, `${name} vs the true SNR`).toBeLessThanOrEqual(WADA_TRUTH_TOL_DB);
        row += `  true ${truth[name].toFixed(2)} dB`;
      }
      rows.push(row);
    }
    // the table the function interpolates is the paper's model
    expect(ref.wadaTable.table).toEqual(ref.wadaTable.db.map((db) => WADA_G[db + 20]));
    const tableErr = Math.max(...ref.wadaTable.g.map((g, i) => Math.abs(g - ref.wadaTable.table[i])));
    expect(tableErr).toBeLessThanOrEqual(WADA_TABLE_TOL);
    console.log(
      `WADA-SNR (ours, Python reference, truth):\n  ${rows.join('\n  ')}\n  ` +
        `max |Δ| vs Python ${maxRef.toExponential(2)} dB; vs true SNR ${maxTruth.toFixed(2)} dB; ` +
        `G table vs Gamma(0.4) Monte Carlo max |ΔG| ${tableErr.toFixed(4)}`,
    );
  });
});

describe('effective bandwidth vs scipy.signal.welch', () => {
  it('gives the same band edge on recordings, resampled and short clips', async () => {
    const short = join(dir, 'short.wav');
    ffmpeg('-i', `${FREEDESKTOP}/complete.oga`, '-af', 'atrim=end_sample=1000', short);
    const files = [
      `${ALSA}/Front_Center.wav`,
      fx.upsampled8k,
      fx.upsampled16k,
      fx.speech,
      fx.noisy,
      `${FREEDESKTOP}/alarm-clock-elapsed.oga`,
      `${FREEDESKTOP}/camera-shutter.oga`,
      `${FREEDESKTOP}/phone-outgoing-busy.oga`,
      short,
    ];
    const options = { thresholdDb: 60, bandHz: 100 };
    const ours: Record<string, number> = {};
    const items = files.map((file, k) => {
      const { pcm } = audioInput(file);
      const planar = new Float32Array(pcm.channels.length * pcm.channels[0].length);
      pcm.channels.forEach((c, i) => planar.set(c, i * c.length));
      const name = `${k}:${file.split('/').pop()}`;
      ours[name] = effectiveBandwidth(pcm.channels, pcm.sampleRate, options).hz;
      return { name, file: f32(`bw${k}`, planar), channels: pcm.channels.length, sampleRate: pcm.sampleRate, ...options };
    });
    const ref = await reference<{ bandwidth: Record<string, number> }>({ bandwidth: items });
    for (const { name } of items) expect(ours[name], name).toBe(ref.bandwidth[name]);
    console.log(
      `bandwidth (Hz) ours = scipy: ${Object.entries(ours)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  });
});

describe('Silero VAD segmenting vs get_speech_timestamps (Python, verbatim)', () => {
  it('same segments from the same speech probabilities, default and max-speech-split options', async () => {
    const cases: { name: string; path: string; options?: SpeechTimestampOptions; py?: Record<string, unknown> }[] = [
      { name: 'test.wav', path: SILERO_TEST_WAV },
      {
        name: 'test.wav max 3 s (longest silence)',
        path: SILERO_TEST_WAV,
        options: { maxSpeechDurationS: 3 },
        py: { max_speech_duration_s: 3 },
      },
      {
        name: 'test.wav max 3 s (last silence)',
        path: SILERO_TEST_WAV,
        options: { maxSpeechDurationS: 3, useMaxPossSilAtMaxSpeech: false },
        py: { max_speech_duration_s: 3, use_max_poss_sil_at_max_speech: false },
      },
      {
        name: 'test.wav threshold 0.8',
        path: SILERO_TEST_WAV,
        options: { threshold: 0.8, minSilenceDurationMs: 300 },
        py: { threshold: 0.8, min_silence_duration_ms: 300 },
      },
      { name: 'padded espeak', path: fx.padded },
    ];
    const probabilities = new Map<string, { p: Float32Array; length: number }>();
    for (const c of cases) {
      if (probabilities.has(c.path)) continue;
      const mono = audioInput(c.path).pcm.mono16k!;
      probabilities.set(c.path, { p: (await kit.voiceActivity('silero-vad', mono, 16000)).probabilities, length: mono.length });
    }
    const ours: Record<string, { start: number; end: number }[]> = {};
    const items = cases.map((c, k) => {
      const { p, length } = probabilities.get(c.path)!;
      ours[c.name] = getSpeechTimestamps(p, length, c.options);
      return { name: c.name, probs: f32(`probs${k}`, p), length, options: c.py ?? {} };
    });
    const ref = await reference<{ vad: Record<string, { start: number; end: number }[]> }>({ vad: items });
    for (const c of cases) expect(ours[c.name], c.name).toEqual(ref.vad[c.name]);
    expect(ours['test.wav max 3 s (longest silence)'].length).toBeGreaterThan(ours['test.wav'].length);
    console.log(`VAD segments identical to Python's: ${cases.map((c) => `${c.name} ${ours[c.name].length}`).join(', ')}`);
  });
});

describe('DNSMOS windows and polynomials vs dnsmos_local.py’s arithmetic', () => {
  it('the same windows for any length, and the metric’s scores = mean of np.poly1d over the windows', async () => {
    const lengths = [1, 100, 50_000, 144_159, 144_160, 159_999, 160_000, 200_000, 300_000, 480_000, 960_000, 1_234_567];
    const audio = { sampleRate: 16000, windowSeconds: 9.01, hopSeconds: 1 };
    const clip = join(dir, 'test12.wav');
    ffmpeg('-i', SILERO_TEST_WAV, '-t', '12', clip);
    const input = audioInput(clip);
    const metric = await score('dnsmos', input);
    const run = await kit.speechQuality('dnsmos-p835', input.pcm.mono16k!, 16000);
    const coefficients = kit.manifest('dnsmos-p835').outputs[0].polynomial!;
    const ref = await reference<{
      dnsmosWindows: Record<string, { repeatedLength: number; starts: number[] }>;
      dnsmosPoly: Record<string, number>[];
    }>({
      dnsmosWindows: lengths,
      dnsmosPoly: run.windows.map((w) => ({ raw: w.raw, coefficients })),
    });
    for (const n of lengths) {
      const { repeatedLength, starts } = speechQualityWindows(n, audio);
      expect({ repeatedLength, starts }, `length ${n}`).toEqual(ref.dnsmosWindows[n]);
    }
    let maxPoly = 0;
    run.windows.forEach((w, i) => {
      for (const k of ['sig', 'bak', 'ovrl']) maxPoly = Math.max(maxPoly, Math.abs(w.score[k] - ref.dnsmosPoly[i][k]));
    });
    expect(maxPoly).toBeLessThan(1e-12);
    for (const k of ['sig', 'bak', 'ovrl']) {
      const mean = ref.dnsmosPoly.reduce((s, w) => s + w[k], 0) / ref.dnsmosPoly.length;
      expect(Math.abs(metric.scores[`dnsmos.${k}`] - mean), k).toBeLessThan(1e-12);
    }
    expect(metric.details.windows).toBe(run.windows.length);
    console.log(
      `DNSMOS: windows identical for ${lengths.length} lengths; 12 s of test.wav → ${run.windows.length} windows, ` +
        `polynomial max |Δ| ${maxPoly.toExponential(1)}; ` +
        `SIG ${metric.scores['dnsmos.sig'].toFixed(3)} BAK ${metric.scores['dnsmos.bak'].toFixed(3)} OVRL ${metric.scores['dnsmos.ovrl'].toFixed(3)}`,
    );
  });
});
