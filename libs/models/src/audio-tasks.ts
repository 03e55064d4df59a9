import type { RunResult, TensorData } from '@assay/inference';
import type { AudioPreprocess, ModelInput, ModelManifest, ModelOutput } from './manifest.js';

interface Runner {
  run(modelId: string, feeds: Record<string, TensorData>): Promise<RunResult>;
}

/** Per-chunk speech probabilities of a streaming voice-activity model. */
export interface VoiceActivityRun {
  /** speech probability of each chunk, in order (the last chunk zero-padded) */
  probabilities: Float32Array;
  /** new samples per chunk */
  chunkSamples: number;
  /** samples of the previous input prepended to each chunk */
  contextSamples: number;
  sampleRate: number;
  /** model calls made (one per chunk: the state makes them sequential) */
  calls: number;
  inferenceMs: number;
}

/** One window of a windowed speech-quality model: raw outputs and their documented calibration, by label. */
export interface SpeechQualityWindow {
  /** first sample of the window (in the repeated clip when the clip was shorter than a window) */
  start: number;
  raw: Record<string, number>;
  score: Record<string, number>;
}

export interface SpeechQualityRun {
  labels: string[];
  windows: SpeechQualityWindow[];
  /** the clip was shorter than one window and was repeated (appended to itself) until long enough */
  repeated: boolean;
  windowSamples: number;
  hopSamples: number;
  sampleRate: number;
  calls: number;
  inferenceMs: number;
}

function audioInput(m: ModelManifest): ModelInput & { audio: AudioPreprocess } {
  const input = m.inputs.find((i) => i.source === 'audio');
  if (!input?.audio) throw new Error(`model ${m.id} has no audio input`);
  return input as ModelInput & { audio: AudioPreprocess };
}

function checkRate(m: ModelManifest, a: AudioPreprocess, sampleRate: number, samples: number): void {
  if (sampleRate !== a.sampleRate) throw new Error(`model ${m.id} takes ${a.sampleRate} Hz audio, got ${sampleRate} Hz`);
  if (samples < 1) throw new Error(`model ${m.id}: no audio samples`);
}

/** A state input's size: its fixed dimensions, with every named (dynamic) dimension taken as batch 1. */
function stateSize(input: ModelInput): number[] {
  return input.shape.map((d) => (typeof d === 'number' ? d : 1));
}

function sampleRateTensor(input: ModelInput, rate: number): TensorData {
  const dims = input.shape.map((d) => (typeof d === 'number' ? d : 1));
  const n = dims.reduce((a, b) => a * b, 1);
  if (input.dtype === 'int64') return { type: 'int64', data: new BigInt64Array(n).fill(BigInt(rate)), dims };
  if (input.dtype === 'int32') return { type: 'int32', data: new Int32Array(n).fill(rate), dims };
  if (input.dtype === 'float32') return { type: 'float32', data: new Float32Array(n).fill(rate), dims };
  throw new Error(`sample-rate input ${input.name}: dtype ${input.dtype} is not supported`);
}

function speechIndex(out: ModelOutput): number {
  const i = out.labels?.indexOf('speech') ?? -1;
  return i >= 0 ? i : 0;
}

/**
 * Runs a streaming model (`framing: stream`) over mono audio at its sample rate, exactly as Silero VAD's
 * `OnnxWrapper.audio_forward` does: the audio is zero-padded to a whole number of chunks; each call gets
 * `concat(context, chunk)` where context is the last `context` samples of the previous call's input (zeros
 * first); every `state` input starts at zeros and then receives the output its `carry` names.
 */
export async function runVoiceActivity(m: ModelManifest, runner: Runner, pcm: Float32Array, sampleRate: number): Promise<VoiceActivityRun> {
  const input = audioInput(m);
  const a = input.audio;
  if (a.framing !== 'stream' || !a.chunk) throw new Error(`model ${m.id}: its audio input is not a stream`);
  checkRate(m, a, sampleRate, pcm.length);
  const out = m.outputs.find((o) => o.meaning === 'probabilities');
  if (!out) throw new Error(`model ${m.id} has no probabilities output`);
  const at = speechIndex(out);
  const chunk = a.chunk;
  const contextLength = a.context;
  const stateInputs = m.inputs.filter((i) => i.source === 'state');
  const states = new Map<string, TensorData>(
    stateInputs.map((i) => {
      const dims = stateSize(i);
      return [i.name, { type: 'float32', data: new Float32Array(dims.reduce((x, y) => x * y, 1)), dims }];
    }),
  );
  const rateInputs = m.inputs.filter((i) => i.source === 'sample-rate');
  const calls = Math.ceil(pcm.length / chunk);
  const probabilities = new Float32Array(calls);
  let context = new Float32Array(contextLength);
  let inferenceMs = 0;
  for (let c = 0; c < calls; c++) {
    const x = new Float32Array(contextLength + chunk);
    x.set(context, 0);
    x.set(pcm.subarray(c * chunk, Math.min(pcm.length, (c + 1) * chunk)), contextLength);
    context = x.slice(x.length - contextLength);
    // buffers are transferred to the inference thread: every feed is a fresh array
    const feeds: Record<string, TensorData> = { [input.name]: { type: 'float32', data: x, dims: [1, x.length] } };
    for (const [name, t] of states) feeds[name] = t;
    for (const r of rateInputs) feeds[r.name] = sampleRateTensor(r, a.sampleRate);
    const res = await runner.run(m.id, feeds);
    inferenceMs += res.inferenceMs;
    probabilities[c] = (res.outputs[out.name].data as Float32Array)[at];
    for (const i of stateInputs) {
      const next = res.outputs[i.carry!];
      if (!next) throw new Error(`model ${m.id}: no output ${i.carry} to carry into ${i.name}`);
      states.set(i.name, { type: 'float32', data: next.data, dims: stateSize(i) });
    }
  }
  return { probabilities, chunkSamples: chunk, contextSamples: contextLength, sampleRate, calls, inferenceMs };
}

/** numpy `poly1d` evaluation (coefficients highest power first), Horner's rule in float64. */
export function polyval(coefficients: number[], x: number): number {
  let y = 0;
  for (const c of coefficients) y = y * x + c;
  return y;
}

/**
 * The windows `dnsmos_local.py` scores, in float64 as Python computes them: a clip shorter than one window is
 * appended to itself until it is at least one window long; `trunc((floor(n / rate) − windowSeconds) /
 * hopSeconds) + 1` windows; window k = `[trunc(k · hop · rate), trunc((k · hop + windowSeconds) · rate))`, and a
 * window shorter than `trunc(windowSeconds · rate)` samples (past the end, or one sample short from float
 * rounding) is skipped.
 */
export function speechQualityWindows(
  length: number,
  a: Pick<AudioPreprocess, 'sampleRate' | 'windowSeconds' | 'hopSeconds'>,
): {
  repeatedLength: number;
  windowSamples: number;
  starts: number[];
} {
  const rate = a.sampleRate;
  const windowSeconds = a.windowSeconds!;
  const hop = a.hopSeconds!;
  const windowSamples = Math.trunc(windowSeconds * rate);
  let n = length;
  if (n < 1) throw new Error('no audio samples');
  while (n < windowSamples) n *= 2;
  const hops = Math.trunc((Math.floor(n / rate) - windowSeconds) / hop) + 1;
  const starts: number[] = [];
  for (let k = 0; k < hops; k++) {
    const start = Math.trunc(k * hop * rate);
    const end = Math.min(n, Math.trunc((k * hop + windowSeconds) * rate));
    if (end - start >= windowSamples) starts.push(start);
  }
  return { repeatedLength: n, windowSamples, starts };
}

/** Runs a windowed speech-quality model (`framing: windows`) over mono audio at its sample rate, one window per call. */
export async function runSpeechQuality(m: ModelManifest, runner: Runner, pcm: Float32Array, sampleRate: number): Promise<SpeechQualityRun> {
  const input = audioInput(m);
  const a = input.audio;
  if (a.framing !== 'windows') throw new Error(`model ${m.id}: its audio input is not windowed`);
  checkRate(m, a, sampleRate, pcm.length);
  const out = m.outputs.find((o) => o.meaning === 'score' && o.labels?.length);
  if (!out) throw new Error(`model ${m.id} has no score output with labels`);
  const labels = out.labels!;
  const { repeatedLength, windowSamples, starts } = speechQualityWindows(pcm.length, a);
  let audio = pcm;
  if (repeatedLength !== pcm.length) {
    // np.append(audio, audio) until at least one window long: the clip doubled, k times
    audio = new Float32Array(repeatedLength);
    audio.set(pcm, 0);
    for (let len = pcm.length; len < repeatedLength; len *= 2) audio.copyWithin(len, 0, len);
  }
  const windows: SpeechQualityWindow[] = [];
  let inferenceMs = 0;
  for (const start of starts) {
    const x = audio.slice(start, start + windowSamples);
    const res = await runner.run(m.id, { [input.name]: { type: 'float32', data: x, dims: [1, windowSamples] } });
    inferenceMs += res.inferenceMs;
    const row = res.outputs[out.name].data as Float32Array;
    const raw: Record<string, number> = {};
    const score: Record<string, number> = {};
    labels.forEach((label, i) => {
      raw[label] = row[i];
      const p = out.polynomial?.[label];
      score[label] = p ? polyval(p, row[i]) : row[i];
    });
    windows.push({ start, raw, score });
  }
  return {
    labels,
    windows,
    repeated: repeatedLength !== pcm.length,
    windowSamples,
    hopSamples: Math.trunc(a.hopSeconds! * a.sampleRate),
    sampleRate,
    calls: starts.length,
    inferenceMs,
  };
}
