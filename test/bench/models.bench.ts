/**
 * npm run bench:models — per model, on the CPU provider: preprocessing time per item, latency per item at
 * batch 1, and throughput at batch 8, 16 and 32 (items/s), median of ROUNDS after a warm-up; tiny CLIP-like
 * models (generated) and real ones (nsfwjs's MobileNetV2 converted to ONNX, PaddleOCR detection,
 * direction classifier and recognizer). The workers run batch 1 today; this measures what batching would buy.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceHost, type TensorData } from '@assay/inference';
import { decodeImage, type DecodedImage } from '@assay/media';
import { convertNsfwjs, generateTiny } from '@assay/model-tools';
import { imageTensor, resolveModel, type ModelManifest } from '@assay/models';
import { ClipBpeTokenizer } from '@assay/tokenizers';
import { parse } from 'yaml';
import { quietLogger } from '../helpers/env.js';
import { cases, median, rounds, table } from './stats.js';

const ROUNDS = rounds(5);
const BATCHES = cases([8, 16, 32]);
const VOCAB = '../shared/models/clip-bpe/bpe_simple_vocab_16e6.txt.gz';
const PHOTOS = [
  'baboon.jpg',
  'fruits.jpg',
  'butterfly.jpg',
  'home.jpg',
  'building.jpg',
  'messi5.jpg',
  'leuvenA.jpg',
  'starry_night.jpg',
].map((f) => `/usr/share/doc/opencv-doc/examples/data/${f}`);

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-models-'));
generateTiny({ outDir: dir, vocab: VOCAB });
convertNsfwjs({ outDir: dir });
const manifest = (id: string) => parse(readFileSync(join(dir, `${id}.model.yaml`), 'utf8')) as ModelManifest;
const images: DecodedImage[] = [];
for (const p of PHOTOS) images.push(await decodeImage(readFileSync(p), { maxBytes: 1e9, maxPixels: 1e9 }));
const tokenizer = await ClipBpeTokenizer.load(VOCAB);
const prompts = [
  'a baboon with a blue face',
  'fresh fruit on a table',
  'a butterfly on a flower',
  'a small house',
  'a tall building at dusk',
  'a footballer on a pitch',
  'an old town street',
  'a swirling night sky',
];

const host = new InferenceHost(['cpu'], quietLogger());
for (const id of ['tiny-clip-image', 'tiny-clip-text', 'tiny-image-reward', 'nsfw-mobilenet-v2'])
  await host.load({ id, version: 'bench', path: join(dir, `${id}.onnx`) });
for (const id of ['ppocr-v4-det', 'ppocr-mobile-v2-cls', 'ppocr-v4-rec']) await host.load(resolveModel(id));

/** Concatenates single-item tensors along the batch axis. */
function stack(items: TensorData[]): TensorData {
  const first = items[0];
  const per = first.data.length;
  const Ctor = first.data.constructor as new (n: number) => TensorData['data'];
  const data = new Ctor(per * items.length);
  items.forEach((t, i) => (data as Float32Array).set(t.data as Float32Array, i * per));
  return { type: first.type, data, dims: [items.length, ...first.dims.slice(1)] };
}

const tokens = (text: string): TensorData => ({
  type: 'int64',
  data: BigInt64Array.from(tokenizer.tokenize(text).ids, (v) => BigInt(v)),
  dims: [1, 77],
});
const randomTensor = (dims: number[], seed: number): TensorData => {
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  let s = seed;
  for (let i = 0; i < data.length; i++) data[i] = ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return { type: 'float32', data, dims };
};

interface Case {
  model: string;
  kind: 'tiny' | 'real';
  /** builds the feeds of item i; timed as preprocessing unless the inputs are synthetic */
  item: (i: number) => Promise<Record<string, TensorData>>;
  synthetic?: true;
}

const models: Case[] = [
  {
    model: 'tiny-clip-image',
    kind: 'tiny',
    item: async (i) => ({ pixel_values: await imageTensor(images[i % images.length], manifest('tiny-clip-image').inputs[0]) }),
  },
  { model: 'tiny-clip-text', kind: 'tiny', item: async (i) => ({ input_ids: tokens(prompts[i % prompts.length]) }) },
  {
    model: 'tiny-image-reward',
    kind: 'tiny',
    item: async (i) => ({
      pixel_values: await imageTensor(images[i % images.length], manifest('tiny-image-reward').inputs[0]),
      input_ids: tokens(prompts[i % prompts.length]),
    }),
  },
  {
    model: 'nsfw-mobilenet-v2',
    kind: 'real',
    item: async (i) => ({ pixel_values: await imageTensor(images[i % images.length], manifest('nsfw-mobilenet-v2').inputs[0]) }),
  },
  // PaddleOCR at fixed shapes with random inputs (the text metric prepares real ones itself, timed in bench:image-metrics)
  { model: 'ppocr-v4-det', kind: 'real', synthetic: true, item: async (i) => ({ x: randomTensor([1, 3, 640, 640], i + 1) }) },
  { model: 'ppocr-mobile-v2-cls', kind: 'real', synthetic: true, item: async (i) => ({ x: randomTensor([1, 3, 48, 192], i + 1) }) },
  { model: 'ppocr-v4-rec', kind: 'real', synthetic: true, item: async (i) => ({ x: randomTensor([1, 3, 48, 320], i + 1) }) },
];

const rows: (string | number)[][] = [];
for (const c of models) {
  const items: Record<string, TensorData>[] = [];
  const prep: number[] = [];
  for (let i = 0; i < Math.max(...BATCHES); i++) {
    const t = performance.now();
    items.push(await c.item(i));
    prep.push(performance.now() - t);
  }
  const feedsOf = (n: number) => Object.fromEntries(Object.keys(items[0]).map((k) => [k, stack(items.slice(0, n).map((f) => f[k]))]));
  const timeBatch = async (n: number) => {
    await host.run(c.model, feedsOf(n)); // warm-up at this shape
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) times.push((await host.run(c.model, feedsOf(n))).inferenceMs);
    return median(times);
  };
  const single = await timeBatch(1);
  const throughput = [];
  for (const n of BATCHES) throughput.push((n / (await timeBatch(n))) * 1000);
  const best = Math.max(...throughput);
  const prepMs = median(prep);
  const prepCells = c.synthetic ? ['—'] : [prepMs.toFixed(2)];
  const share = c.synthetic ? '—' : `${((100 * prepMs) / (prepMs + single)).toFixed(0)} %`;
  rows.push([
    c.model,
    c.kind,
    ...prepCells,
    single.toFixed(2),
    (1000 / single).toFixed(0),
    ...throughput.map((t) => t.toFixed(0)),
    (best / (1000 / single)).toFixed(2),
    share,
  ]);
}
await host.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `\nbench:models — CPU provider (ONNX Runtime default threads), median of ${ROUNDS}; items/s from session.run time only\n\n` +
    `${table(
      [
        'model',
        'kind',
        'prep ms/item',
        'batch 1 ms',
        'b1 items/s',
        ...BATCHES.map((b) => `b${b} items/s`),
        'best / b1',
        'prep share at b1',
      ],
      rows,
    )}\n`,
);
