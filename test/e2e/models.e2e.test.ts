import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultRecord } from '@assay/contracts';
import { decodeImage } from '@assay/media';
import {
  convertNsfwjs,
  generateTiny,
  tinyHeadScores,
  tinyImageEmbeds,
  tinyRewardScores,
  tinyTextEmbeds,
  tinyWeights,
  IMAGE_REWARD_MEAN,
  IMAGE_REWARD_STD,
} from '@assay/model-tools';
import { imageTensor, type ModelManifest } from '@assay/models';
import { ClipBpeTokenizer } from '@assay/tokenizers';
import { parse } from 'yaml';
import { dropPrefix, OPENCV_DATA, startTestS3, testPrefix, type TestS3 } from '../helpers/env.js';
import { apiClient, stackEnv, startService, waitForClosed, type RunningService } from '../helpers/services.js';

/**
 * The model path end to end on the real services: manifests → tokenizer → ONNX sessions → scores,
 * embeddings in S3 → summary, with the tiny CLIP-like models (random weights, real signatures) checked
 * against their TypeScript reference, the real NSFW classifier converted from nsfwjs, and a broken manifest
 * that must not stop the rest.
 */
const VOCAB = '../shared/models/clip-bpe/bpe_simple_vocab_16e6.txt.gz';
const prefix = testPrefix('models');
const dirs: string[] = [];
let s3: TestS3;
let modelDir: string;
const services: RunningService[] = [];
let api: ReturnType<typeof apiClient>;

const SUITE = `
name: tiny-judges
description: tiny CLIP-like models and the real NSFW classifier
modality: image
metrics:
  - metric: clip_score
    params: { imageModel: tiny-clip-image, textModel: tiny-clip-text }
  - metric: aesthetic
    params: { model: tiny-aesthetic-head }
  - metric: reward
    params: { model: tiny-image-reward }
  - metric: nsfw
`;
const VIDEO_SUITE = `
name: tiny-video-consistency
description: frame-to-frame consistency from the tiny image encoder, on every frame
modality: video
video:
  sampling: { mode: all }
metrics:
  - metric: temporal_consistency
    params: { model: tiny-clip-image }
`;
const BROKEN_SUITE = `
name: broken-judge
description: uses a model whose manifest does not match its file
modality: image
metrics:
  - metric: aesthetic
    params: { model: tampered-head }
`;

beforeAll(async () => {
  modelDir = mkdtempSync(join(tmpdir(), 'assay-models-e2e-'));
  const suitesDir = mkdtempSync(join(tmpdir(), 'assay-suites-e2e-'));
  dirs.push(modelDir, suitesDir);
  generateTiny({ outDir: modelDir, vocab: VOCAB });
  convertNsfwjs({ outDir: modelDir });
  // a head whose manifest claims another file's hash: refused at load, the other models unaffected
  mkdirSync(join(modelDir, 'tampered'));
  copyFileSync(join(modelDir, 'tiny-aesthetic-head.onnx'), join(modelDir, 'tampered', 'tiny-aesthetic-head.onnx'));
  const head = readFileSync(join(modelDir, 'tiny-aesthetic-head.model.yaml'), 'utf8');
  writeFileSync(
    join(modelDir, 'tampered', 'tampered.model.yaml'),
    head.replace(/^id: .*$/m, 'id: tampered-head').replace(/^sha256: .*$/m, `sha256: '${'ab'.repeat(32)}'`),
  );
  writeFileSync(join(suitesDir, 'tiny.yaml'), SUITE);
  writeFileSync(join(suitesDir, 'broken.yaml'), BROKEN_SUITE);
  writeFileSync(join(suitesDir, 'video.yaml'), VIDEO_SUITE);
  s3 = await startTestS3();
  const env = stackEnv(prefix, s3.s3.endpoint, { MODEL_DIR: modelDir, SUITES_DIR: suitesDir });
  services.push(await startService('aggregator', env), await startService('worker', env), await startService('ingest', env));
  api = apiClient(services[2].url);
}, 120_000);
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await s3.close();
  await dropPrefix(prefix);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const manifest = (id: string) => parse(readFileSync(join(modelDir, `${id}.model.yaml`), 'utf8')) as ModelManifest;

describe('models end to end', () => {
  it('scores with manifests, tokenizer and sessions, stores embeddings, and summarizes', async () => {
    const long = `a watercolour painting of ${Array.from({ length: 90 }, (_, i) => `tree${i}`).join(' ')}`;
    const prompts: Record<string, string | undefined> = {
      'sharp.jpg': 'a still life of fresh fruit on a table',
      'blurred.jpg': long,
      'noisy.jpg': undefined,
      'with-text.jpg': 'a "SUMMER SALE 50% OFF" poster',
    };
    const run = (await api('POST', '/v1/runs', { name: 'models', suite: 'tiny-judges' })).json;
    expect(run.suite).toBe('tiny-judges');
    await api('POST', `/v1/runs/${run.id}/assets`, {
      assets: Object.entries(prompts).map(([f, prompt]) => ({ assetId: f, modality: 'image', prompt })),
    });
    for (const f of Object.keys(prompts))
      await api('PUT', `/v1/runs/${run.id}/assets/${f}/content`, new Uint8Array(readFileSync(`samples/${f}`)));
    await api('POST', `/v1/runs/${run.id}/close`);
    expect((await waitForClosed(api, run.id)).counts).toMatchObject({ completed: 4, failed: 0 });

    const w = tinyWeights(42);
    const tokenizer = await ClipBpeTokenizer.load(VOCAB);
    const pixelInput = manifest('tiny-clip-image').inputs[0];
    const normalize = (v: ArrayLike<number>) => {
      const n = Math.hypot(...Array.from(v));
      return Array.from(v, (x) => x / n);
    };
    for (const [f, prompt] of Object.entries(prompts)) {
      const record = (await api('GET', `/v1/runs/${run.id}/assets/${f}`)).json.result as ResultRecord;
      const image = await decodeImage(readFileSync(`samples/${f}`), { maxBytes: 1e8, maxPixels: 1e8 });
      const pixels = (await imageTensor(image, pixelInput)).data as Float32Array;
      const imageEmbeds = tinyImageEmbeds(w, pixels, 1);
      // the stored embedding is the image encoder's output
      const [stored] = record.embeddings!;
      expect(stored).toMatchObject({
        model: 'tiny-clip-image',
        version: 'seed-42',
        dims: 16,
        uri: `s3://assay/runs/${run.id}/embeddings/tiny-clip-image/${f}.f32`,
      });
      const bytes = await s3.store.get({ bucket: 'assay', key: stored.uri.slice('s3://assay/'.length) });
      const vector = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      vector.forEach((v, i) => expect(Math.abs(v - imageEmbeds[i])).toBeLessThan(1e-5));
      // aesthetic head on the L2-normalized embedding, computed independently
      expect(Math.abs(record.scores['aesthetic.score'] - tinyHeadScores(w, normalize(imageEmbeds), 1)[0])).toBeLessThan(1e-5);
      const nsfw = ['drawing', 'hentai', 'neutral', 'porn', 'sexy'].reduce((s, c) => s + record.scores[`nsfw.${c}`], 0);
      expect(Math.abs(nsfw - 1)).toBeLessThan(1e-5);
      expect(record.scores['nsfw.nsfw_score']).toBeCloseTo(
        record.scores['nsfw.hentai'] + record.scores['nsfw.porn'] + record.scores['nsfw.sexy'],
        6,
      );
      const clip = record.metrics.find((m) => m.metric === 'clip_score')!;
      if (!prompt) {
        expect(clip).toMatchObject({ status: 'not_applicable', reason: { code: 'metric_not_applicable', message: 'needs a prompt' } });
        expect(record.scores['clip_score.clip_score']).toBeUndefined();
        continue;
      }
      const tokens = tokenizer.tokenize(prompt);
      const text = tinyTextEmbeds(w, tokens.ids, 1);
      const cos = normalize(imageEmbeds).reduce((s, v, i) => s + v * normalize(text)[i], 0);
      expect(Math.abs(record.scores['clip_score.clip_score'] - 100 * Math.max(cos, 0))).toBeLessThan(1e-3);
      expect(clip.details).toMatchObject({ promptTruncated: tokens.truncated, promptTokens: tokens.length });
      const raw = tinyRewardScores(w, pixels, tokens.ids, 1)[0];
      expect(Math.abs(record.scores['reward.raw'] - raw)).toBeLessThan(1e-5);
      expect(Math.abs(record.scores['reward.score'] - (raw - IMAGE_REWARD_MEAN) / IMAGE_REWARD_STD)).toBeLessThan(1e-5);
      expect(record.metrics.find((m) => m.metric === 'reward')!.model).toMatchObject({
        id: 'tiny-image-reward',
        provider: 'cpu',
        sha256: manifest('tiny-image-reward').sha256,
      });
    }
    const blurred = (await api('GET', `/v1/runs/${run.id}/assets/blurred.jpg`)).json.result as ResultRecord;
    expect(blurred.metrics.find((m) => m.metric === 'clip_score')!.details).toMatchObject({ promptTruncated: true, promptTokens: 77 });

    const summary = (await api('GET', `/v1/runs/${run.id}/summary`)).json;
    expect(summary.scores['clip_score.clip_score'].count).toBe(3);
    expect(summary.scores['nsfw.nsfw_score'].count).toBe(4);
  }, 120_000);

  it('scores temporal consistency of a video with the image encoder, as computed independently on the same frames', async () => {
    const clip = join(modelDir, 'megamind-8.mp4');
    execFileSync('ffmpeg', [
      '-nostdin',
      '-v',
      'error',
      '-y',
      '-i',
      `${OPENCV_DATA}/Megamind.avi`,
      '-frames:v',
      '8',
      '-an',
      '-vf',
      'scale=64:48',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
    const run = (await api('POST', '/v1/runs', { name: 'consistency', suite: 'tiny-video-consistency' })).json;
    await api('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'clip', modality: 'video' }] });
    await api('PUT', `/v1/runs/${run.id}/assets/clip/content`, new Uint8Array(readFileSync(clip)));
    await api('POST', `/v1/runs/${run.id}/close`);
    await waitForClosed(api, run.id);
    const record = (await api('GET', `/v1/runs/${run.id}/assets/clip`)).json.result as ResultRecord;
    expect(record.media).toMatchObject({ framesAnalysed: 8, framesSampled: 8, sampling: 'all' });

    // the same frames from the ffmpeg CLI (the worker's RGB conversion flags), embedded by the TypeScript reference
    const rgb = execFileSync(
      'ffmpeg',
      [
        '-nostdin',
        '-v',
        'error',
        '-i',
        clip,
        '-sws_flags',
        'bicubic+accurate_rnd+full_chroma_int',
        '-pix_fmt',
        'rgb24',
        '-f',
        'rawvideo',
        '-',
      ],
      { maxBuffer: 1 << 24 },
    );
    const w = tinyWeights(42);
    const frame = 64 * 48 * 3;
    const embeds: number[][] = [];
    for (let i = 0; i < 8; i++) {
      const pixels = (
        await imageTensor(
          { width: 64, height: 48, rgb: new Uint8Array(rgb.subarray(i * frame, (i + 1) * frame)) },
          manifest('tiny-clip-image').inputs[0],
        )
      ).data as Float32Array;
      embeds.push(Array.from(tinyImageEmbeds(w, pixels, 1)));
    }
    const cos = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0) / Math.hypot(...a) / Math.hypot(...b);
    const sims = embeds.slice(1).map((e, i) => cos(embeds[i], e));
    expect(Math.abs(record.scores['temporal_consistency.mean'] - sims.reduce((s, v) => s + v, 0) / sims.length)).toBeLessThan(1e-5);
    expect(Math.abs(record.scores['temporal_consistency.min'] - Math.min(...sims))).toBeLessThan(1e-5);
    expect(record.metrics.find((m) => m.metric === 'temporal_consistency')).toMatchObject({
      status: 'ok',
      model: { id: 'tiny-clip-image', provider: 'cpu' },
      details: { samples: 8, pairs: 7 },
    });
  });

  it('lists the loaded models with hashes and providers, and the refused one with its reason', async () => {
    const { models, refused } = (await api('GET', '/v1/models')).json;
    const ids = models.map((m: { id: string }) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'tiny-clip-image',
        'tiny-clip-text',
        'tiny-aesthetic-head',
        'tiny-image-reward',
        'nsfw-mobilenet-v2',
        'ppocr-v4-det',
      ]),
    );
    expect(models.find((m: { id: string }) => m.id === 'nsfw-mobilenet-v2')).toMatchObject({
      task: 'image-classifier',
      sha256: manifest('nsfw-mobilenet-v2').sha256,
      providers: { cpu: 1 },
      fellBack: 0,
      workers: 1,
    });
    expect(refused).toContainEqual({
      id: 'tampered-head',
      reason: expect.stringMatching(/tampered\.model\.yaml: sha256: the manifest says (ab){32}/),
      workers: 1,
    });
    // the built-in image-alignment suite names a CLIP export this machine does not have; speech-quality's
    // models have built-in manifests, but their files are not in this MODEL_DIR
    const others = refused.filter((r: { id: string }) => r.id !== 'tampered-head');
    expect(others.map((r: { id: string }) => r.id).sort()).toEqual([
      'clip-vit-b32-image',
      'clip-vit-b32-text',
      'dnsmos-p835',
      'laion-aesthetic-vit-b32',
      'silero-vad',
    ]);
    const reason = (id: string) => others.find((r: { id: string }) => r.id === id).reason;
    for (const id of ['clip-vit-b32-image', 'clip-vit-b32-text', 'laion-aesthetic-vit-b32']) expect(reason(id)).toMatch(/no manifest/);
    expect(reason('silero-vad')).toMatch(/file: silero-vad\/silero_vad\.onnx not found/);
    expect(reason('dnsmos-p835')).toMatch(/file: dnsmos\/sig_bak_ovr\.onnx not found/);
  });

  it('fails the assets of a suite whose model was refused, and names why', async () => {
    const run = (await api('POST', '/v1/runs', { name: 'broken', suite: 'broken-judge' })).json;
    await api('POST', `/v1/runs/${run.id}/assets`, { assets: [{ assetId: 'a', modality: 'image' }] });
    await api('PUT', `/v1/runs/${run.id}/assets/a/content`, new Uint8Array(readFileSync('samples/sharp.jpg')));
    await api('POST', `/v1/runs/${run.id}/close`);
    await waitForClosed(api, run.id);
    const record = (await api('GET', `/v1/runs/${run.id}/assets/a`)).json.result as ResultRecord;
    expect(record.failure).toMatchObject({
      code: 'model_unavailable',
      message: expect.stringMatching(/suite broken-judge cannot be scored here: .*sha256/),
    });
    const ready = await (await fetch(`${services[1].url}/readyz`)).json();
    expect(ready.checks.suites.detail).toMatch(/broken-judge unavailable/);
  });
});
