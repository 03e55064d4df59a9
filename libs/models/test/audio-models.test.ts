/**
 * The audio models through the registry, from ../shared/models (MODEL_DIR): Silero VAD v6.2 and DNSMOS P.835,
 * checked against the values ../shared/models/{silero-vad,dnsmos}/SOURCE.md records. Those were taken with
 * onnxruntime-node 1.30.0 on CPU with the same protocol (they are not upstream reference outputs), so the
 * tolerances only allow for the digits SOURCE.md printed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceHost } from '@assay/inference';
import { ModelKit, ModelRegistry, parseManifest, speechQualityWindows } from '@assay/models';
import { quietLogger } from '../../../test/helpers/env.js';
import { decodePcm, MODEL_DIR, SILERO_TEST_WAV } from '../../scoring/test/audio-fixtures.js';

/** sha256 of the files, as SOURCE.md lists them */
const SHA256 = {
  'silero-vad': '1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3',
  'silero-vad-16k-op15': '7ed98ddbad84ccac4cd0aeb3099049280713df825c610a8ed34543318f1b2c49',
  'dnsmos-p835': '269fbebdb513aa23cddfbb593542ecc540284a91849ac50516870e1ac78f6edd',
  'dnsmos-p835-personalized': '9e3a197449ca2177f0997afec3bd6b890117ce2f17b89d6eea7fa0d47272c81c',
};

/** A manifest in a temporary MODEL_DIR for the 16 kHz-only op15 export of Silero VAD, and one with a wrong sha256. */
const sileroManifest = (id: string, file: string, sha256: string) => `
id: ${id}
version: test
task: voice-activity
file: ${file}
sha256: '${sha256}'
license: MIT (Silero Team)
source: test copy of a manifest
inputs:
  - { name: input, dtype: float32, shape: [batch, samples], source: audio, audio: { sampleRate: 16000, framing: stream, chunk: 512, context: 64 } }
  - { name: state, dtype: float32, shape: [2, batch, 128], source: state, carry: stateN }
  - { name: sr, dtype: int64, shape: [], source: sample-rate }
outputs:
  - { name: output, dtype: float32, shape: [batch, 1], meaning: probabilities, labels: [speech] }
  - { name: stateN, dtype: float32, shape: [2, batch, 128], meaning: state }
`;

let host: InferenceHost;
let registry: ModelRegistry;
let kit: ModelKit;
let extraDir: string;
let testWav: Float32Array;

beforeAll(async () => {
  extraDir = mkdtempSync(join(tmpdir(), 'assay-audio-models-'));
  const op15 = resolve(MODEL_DIR, 'silero-vad/silero_vad_16k_op15.onnx');
  writeFileSync(join(extraDir, 'op15.model.yaml'), sileroManifest('silero-vad-16k-op15', op15, SHA256['silero-vad-16k-op15']));
  writeFileSync(join(extraDir, 'wrong.model.yaml'), sileroManifest('silero-vad-wrong-sha', op15, SHA256['silero-vad']));
  host = new InferenceHost(['cpu'], quietLogger());
  registry = await ModelRegistry.open({ host, modelDirs: [MODEL_DIR] });
  kit = new ModelKit(registry, host, () => Promise.reject(new Error('no tokenizer in this test')));
  testWav = decodePcm(SILERO_TEST_WAV).channels[0];
}, 60_000);

afterAll(async () => {
  await host?.close();
  if (extraDir) rmSync(extraDir, { recursive: true, force: true });
});

describe('audio model manifests', () => {
  it('load from MODEL_DIR after their sha256 and graph signature are checked', async () => {
    expect(registry.problems).toEqual([]);
    for (const id of ['silero-vad', 'dnsmos-p835', 'dnsmos-p835-personalized'] as const) {
      const info = await registry.ensure(id);
      expect(info, id).toMatchObject({ id, sha256: SHA256[id], provider: 'cpu', fellBack: false });
      expect(info.manifest).toBe(`builtin/${id}.model.yaml`);
    }
    expect((await registry.ensure('silero-vad')).task).toBe('voice-activity');
    expect((await registry.ensure('dnsmos-p835')).task).toBe('speech-quality');
  });

  it('refuse a file whose sha256 is not the manifest’s, naming the field', async () => {
    const other = await ModelRegistry.open({ host, modelDirs: [extraDir] });
    await expect(other.ensure('silero-vad-wrong-sha')).rejects.toThrow(
      /wrong\.model\.yaml: sha256: the manifest says 1a153a22.*, .*silero_vad_16k_op15\.onnx has 7ed98ddb/,
    );
  });

  it('refuse audio manifests that do not describe what the task needs', () => {
    const parse = (text: string) => parseManifest(text, 'x.model.yaml', '.');
    const base = sileroManifest('x', 'x.onnx', SHA256['silero-vad']);
    expect(parse(base)).toHaveProperty('manifest');
    expect(parse(base.replace('framing: stream, chunk: 512', 'framing: windows'))).toMatchObject({
      message: expect.stringMatching(/a voice-activity model needs an audio input with framing stream/),
    });
    expect(parse(base.replace('carry: stateN', 'carry: hn'))).toMatchObject({
      message: expect.stringMatching(/inputs\.1\.carry: no output "hn" with meaning state/),
    });
    expect(parse(base.replace('framing: stream, chunk: 512, context: 64', 'framing: stream'))).toMatchObject({
      message: expect.stringMatching(/chunk: a stream framing needs `chunk`/),
    });
    const dnsmos = base
      .replace('task: voice-activity', 'task: speech-quality')
      .replace('framing: stream, chunk: 512, context: 64', 'framing: windows, windowSeconds: 9.01, hopSeconds: 1')
      .replace('meaning: probabilities, labels: [speech]', 'meaning: score, labels: [sig, bak, ovrl], polynomial: { mos: [1, 0] }');
    expect(parse(dnsmos)).toMatchObject({ message: expect.stringMatching(/`polynomial` keys must be among the `labels`/) });
  });
});

describe('Silero VAD v6.2 (streamed: 512-sample chunks, 64 samples of context, state carried)', () => {
  it('reproduces SOURCE.md’s smoke check on test.wav: 1875 chunks, 77.44 % above 0.5, max 1.0000, min 0.001322', async () => {
    expect(testWav.length).toBe(960_000);
    const r = await kit.voiceActivity('silero-vad', testWav, 16000);
    expect(r).toMatchObject({ calls: 1875, chunkSamples: 512, contextSamples: 64 });
    expect(r.model).toMatchObject({ id: 'silero-vad', sha256: SHA256['silero-vad'], provider: 'cpu' });
    const above = r.probabilities.filter((p) => p > 0.5).length;
    expect(above / r.calls).toBe(0.7744); // 1452 of 1875, exactly
    expect(Math.max(...r.probabilities)).toBeCloseTo(1, 4);
    expect(Math.abs(Math.min(...r.probabilities) - 0.001322)).toBeLessThan(5e-7);
  });

  it('carries the state: 20 chunks of zeros end at SOURCE.md’s 0.0040134', async () => {
    const r = await kit.voiceActivity('silero-vad', new Float32Array(20 * 512), 16000);
    expect(r.calls).toBe(20);
    expect(Math.abs(r.probabilities[19] - 0.0040134)).toBeLessThan(5e-8);
    // the first chunk sees a fresh state, so it differs from the last
    expect(r.probabilities[0]).not.toBeCloseTo(r.probabilities[19], 4);
  });

  it('the 16 kHz-only op15 export gives the same decisions (SOURCE.md: identical for both files)', async () => {
    const other = await ModelRegistry.open({ host, modelDirs: [extraDir] });
    const r = await new ModelKit(other, host, () => Promise.reject(new Error('unused'))).voiceActivity(
      'silero-vad-16k-op15',
      testWav,
      16000,
    );
    const v62 = await kit.voiceActivity('silero-vad', testWav, 16000);
    expect(r.probabilities.filter((p) => p > 0.5).length).toBe(1452);
    let max = 0;
    for (let i = 0; i < r.calls; i++) max = Math.max(max, Math.abs(r.probabilities[i] - v62.probabilities[i]));
    expect(max).toBeLessThan(1e-3);
  });

  it('refuses audio at another rate than the manifest’s', async () => {
    await expect(kit.voiceActivity('silero-vad', new Float32Array(512), 8000)).rejects.toThrow(/takes 16000 Hz audio, got 8000 Hz/);
  });
});

describe('DNSMOS P.835 (9.01 s windows, 1 s hop, polynomial mapping)', () => {
  const first = () => testWav.slice(0, 144_160);
  const close = (got: Record<string, number>, want: [number, number, number], tol: number) => {
    expect(Math.abs(got.sig - want[0]), `sig ${got.sig}`).toBeLessThan(tol);
    expect(Math.abs(got.bak - want[1]), `bak ${got.bak}`).toBeLessThan(tol);
    expect(Math.abs(got.ovrl - want[2]), `ovrl ${got.ovrl}`).toBeLessThan(tol);
  };

  it('reproduces SOURCE.md’s smoke check on the first 144160 samples of test.wav (raw to 1e-6, mapped to 5e-5)', async () => {
    const r = await kit.speechQuality('dnsmos-p835', first(), 16000);
    expect(r).toMatchObject({ labels: ['sig', 'bak', 'ovrl'], repeated: false, windowSamples: 144_160, hopSamples: 16_000, calls: 1 });
    close(r.windows[0].raw, [4.0101447, 3.3796036, 3.2787559], 1e-6);
    close(r.windows[0].score, [3.5506, 3.5384, 2.976], 5e-5);
    const p = await kit.speechQuality('dnsmos-p835-personalized', first(), 16000);
    close(p.windows[0].raw, [4.0321717, 3.1296206, 3.104569], 1e-6);
    close(p.windows[0].score, [4.3571, 3.2653, 3.4425], 5e-5);
  });

  it('reproduces the all-zeros smoke check', async () => {
    const r = await kit.speechQuality('dnsmos-p835', new Float32Array(144_160), 16000);
    close(r.windows[0].raw, [2.4764023, 3.2893884, 1.8059998], 1e-6);
  });

  it('windows as dnsmos_local.py: short clips doubled, float end points (60 s → 34 of 51 hops)', () => {
    const a = { sampleRate: 16000, windowSeconds: 9.01, hopSeconds: 1 };
    expect(speechQualityWindows(144_160, a)).toEqual({ repeatedLength: 144_160, windowSamples: 144_160, starts: [0] });
    // 3.125 s → 6.25 s → 12.5 s: 3 hops
    expect(speechQualityWindows(50_000, a)).toEqual({ repeatedLength: 200_000, windowSamples: 144_160, starts: [0, 16_000, 32_000] });
    // 18.75 s: 9 hops, but (k + 9.01) · 16000 comes out one sample short for k = 7, 8, which Python skips
    expect(speechQualityWindows(300_000, a).starts).toEqual([0, 16_000, 32_000, 48_000, 64_000, 80_000, 96_000]);
    expect(speechQualityWindows(960_000, a).starts.length).toBe(34);
  });
});
