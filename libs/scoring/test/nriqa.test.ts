import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, type DecodedImage } from '@assay/media';
import { evaluate, MetricRegistry, type ModelRunner } from '@assay/scoring';
import {
  AggdMoments,
  brisqueFeatures,
  contributions,
  gamma,
  imresizeMatlab,
  loadBrisqueModel,
  loadNiqeParams,
  matlabY,
  numpyGammaSearch,
  opencvGammaSearch,
  parseMat5,
  parseOpenCvYaml,
  pinvSymmetric,
  readOpenCvMatrix,
  resizeCubicOpenCv,
  rOfGamma,
  symmetricEigen,
} from '@assay/scoring';
import { rawOf, rng } from '../../../test/helpers/images.js';

const MODELS = '../shared/models';
const OPENCV_DATA = '/usr/share/doc/opencv-doc/examples/data';
const limits = { maxBytes: 1e8, maxPixels: 1e8 };
const noModels: ModelRunner = { run: () => Promise.reject(new Error('no model in this test')) };
const ctx = { models: noModels, file: (rel: string) => join(MODELS, rel) };
const BRISQUE_FILES = [join(MODELS, 'brisque/brisque_model_live.yml'), join(MODELS, 'brisque/brisque_range_live.yml')] as const;

async function run(names: string[], image: DecodedImage) {
  const registry = await MetricRegistry.load();
  const suite = registry.resolveSuite({
    name: 'nr',
    source: 'test',
    metrics: names.map((metric) => ({ metric, params: {}, thresholds: {} })),
  });
  return evaluate(suite.metrics, { image, attributes: {} }, ctx);
}

/** A natural photograph (opencv-doc), resized, as raw RGB. */
async function photo(width: number, height: number, file = 'fruits.jpg'): Promise<Buffer> {
  return sharp(join(OPENCV_DATA, file)).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
}
const png = (raw: Buffer, w: number, h: number, channels: 1 | 3 | 4 = 3) =>
  sharp(raw, rawOf(w, h, channels))
    .png()
    .toBuffer();

describe('OpenCV FileStorage YAML', () => {
  it('reads the BRISQUE model and range files', () => {
    const model = loadBrisqueModel(...BRISQUE_FILES);
    expect(model.varCount).toBe(36);
    expect(model.svCount).toBe(774);
    expect(model.supportVectors).toHaveLength(774 * 36);
    expect(model.supportVectors[0]).toBe(Math.fround(-5.97555935e-1));
    expect(model.supportVectors[773 * 36 + 35]).toBe(Math.fround(-6.13803744e-1));
    expect(model.gamma).toBe(0.05);
    expect(model.rho).toBe(-1.4963506109127357e2);
    expect(model.alpha).toHaveLength(774);
    expect([model.alpha[0], model.alpha[9]]).toEqual([-1024, -9.0608407934024945e2]);
    expect(Math.abs(model.alpha.reduce((s, a) => s + a, 0))).toBeLessThan(1e-9);
    expect(model.rangeMin[0]).toBe(Math.fround(0.344000012));
    expect(model.rangeMax[0]).toBe(10);
    expect(model.rangeMax[35]).toBe(Math.fround(0.538609207));
    for (let i = 0; i < 36; i++) expect(model.rangeMax[i]).toBeGreaterThan(model.rangeMin[i]);
    // parsed once per process
    expect(loadBrisqueModel(...BRISQUE_FILES)).toBe(model);
  });

  it('handles flow maps without spaces, tags, bare "-" items and multi-line flow lists', () => {
    const doc = parseOpenCvYaml(
      [
        '%YAML:1.0',
        '---',
        'svm:',
        '   term_criteria: { epsilon:1.0000000000000000e-03, iterations:1000 }',
        '   C: 1024.',
        '   name: "a b"',
        '   list:',
        '      - [ 1., -2.5e+00,',
        '          3 ]',
        '      -',
        '         rho: -1.5',
        '         alpha: [ 1, 2 ]',
        'm: !!opencv-matrix',
        '   rows: 1',
        '   cols: 2',
        '   dt: f',
        '   data: [ .5, -.Inf ]',
      ].join('\n'),
    );
    expect(doc.svm).toEqual({
      term_criteria: { epsilon: 0.001, iterations: 1000 },
      C: 1024,
      name: 'a b',
      list: [[1, -2.5, 3], { rho: -1.5, alpha: [1, 2] }],
    });
    const m = readOpenCvMatrix(doc.m, 'm');
    expect([m.rows, m.cols, m.dt, ...m.data]).toEqual([1, 2, 'f', 0.5, -Infinity]);
  });

  it('rejects malformed input with the line number', () => {
    expect(() => parseOpenCvYaml('a: [ 1, 2\nb: 3')).toThrow(/line 1/);
    expect(() => parseOpenCvYaml('just text')).toThrow(/expected "key: value"/);
    expect(() => readOpenCvMatrix(parseOpenCvYaml('m: !!opencv-matrix\n  rows: 2\n  cols: 2\n  dt: f\n  data: [ 1 ]').m, 'm')).toThrow(
      /rows × cols/,
    );
  });
});

/** A minimal Level-5 MAT-file: named real matrices, optionally zlib-compressed (miCOMPRESSED). */
function matFile(vars: { name: string; dims: number[]; data: number[]; single?: boolean; compress?: boolean }[]): Uint8Array {
  const pad8 = (b: Buffer) => Buffer.concat([b, Buffer.alloc((8 - (b.length % 8)) % 8)]);
  const tag = (type: number, payload: Buffer) => {
    const t = Buffer.alloc(8);
    t.writeUInt32LE(type, 0);
    t.writeUInt32LE(payload.length, 4);
    return Buffer.concat([t, pad8(payload)]);
  };
  const u32 = (...v: number[]) => Buffer.from(new Uint32Array(v).buffer);
  const header = Buffer.alloc(128, 0x20);
  header.write('MATLAB 5.0 MAT-file, written by nriqa.test.ts');
  header.fill(0, 116, 124);
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  const elements = vars.map((v) => {
    const name = Buffer.from(v.name, 'latin1');
    // names of up to 4 bytes use the packed "small element" tag
    const nameEl = name.length <= 4 ? Buffer.concat([u32((name.length << 16) | 1), name, Buffer.alloc(4 - name.length)]) : tag(1, name);
    const real = v.single ? Buffer.from(new Float32Array(v.data).buffer) : Buffer.from(new Float64Array(v.data).buffer);
    const body = Buffer.concat([
      tag(6, u32(v.single ? 7 : 6, 0)),
      tag(5, Buffer.from(new Int32Array(v.dims).buffer)),
      nameEl,
      tag(v.single ? 7 : 9, real),
    ]);
    const matrix = tag(14, body);
    if (!v.compress) return matrix;
    const z = deflateSync(matrix);
    const t = Buffer.alloc(8);
    t.writeUInt32LE(15, 0);
    t.writeUInt32LE(z.length, 4);
    return Buffer.concat([t, z]);
  });
  return new Uint8Array(Buffer.concat([header, ...elements]));
}

describe('MAT-file v5', () => {
  it('reads the NIQE pristine model (values from SOURCE.md)', () => {
    const params = loadNiqeParams(join(MODELS, 'niqe/niqe_image_params.mat'));
    expect(params.mu).toHaveLength(36);
    [2.601314, 0.905703, 0.812048, 0.090427, 0.138733, 0.206032].forEach((v, i) => expect(params.mu[i]).toBeCloseTo(v, 6));
    expect(params.cov).toHaveLength(36 * 36);
    for (let i = 0; i < 36; i++) {
      expect(params.cov[i * 36 + i]).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(params.cov[i * 36 + j]).toBe(params.cov[j * 36 + i]);
    }
    expect(loadNiqeParams(join(MODELS, 'niqe/niqe_image_params.mat'))).toBe(params);
  });

  it('reads small names, single precision, compressed elements, column-major data', () => {
    const vars = parseMat5(
      matFile([
        { name: 'mu', dims: [1, 3], data: [1.5, 2.5, 3.5], single: true },
        { name: 'pop_cov', dims: [2, 2], data: [1, 2, 3, 4], compress: true },
      ]),
    );
    expect(vars.get('mu')).toEqual({ name: 'mu', dims: [1, 3], data: Float64Array.from([1.5, 2.5, 3.5]) });
    expect([...vars.get('pop_cov')!.data]).toEqual([1, 2, 3, 4]);
    expect(() => parseMat5(new Uint8Array(64))).toThrow(/header/);
    expect(() => parseMat5(new Uint8Array(200))).toThrow(/not a MATLAB 5.0 MAT-file/);
  });
});

describe('numerics', () => {
  it('Γ matches known values to ~1e-14', () => {
    const cases: [number, number][] = [
      [0.5, Math.sqrt(Math.PI)],
      [1, 1],
      [5, 24],
      [0.1, 9.513507698668732],
      [1 / 3, 2.678938534707748],
      [2.5, 1.329340388179137],
      [15, 87178291200],
    ];
    for (const [x, want] of cases) expect(Math.abs(gamma(x) - want) / want).toBeLessThan(1e-13);
  });

  it('both γ searches recover the shape of a generalised Gaussian', () => {
    expect(rOfGamma(2)).toBeCloseTo(2 / Math.PI, 14);
    for (const g of [0.5, 1, 2, 3.7]) {
      expect(opencvGammaSearch(rOfGamma(g))).toBeCloseTo(g, 3);
      expect(numpyGammaSearch(rOfGamma(g))).toBeCloseTo(g, 3);
    }
    // NaN: numpy's argmin of an all-NaN array is 0; OpenCV's loop never stops
    expect(numpyGammaSearch(NaN)).toBe(0.2);
    expect(opencvGammaSearch(NaN)).toBeCloseTo(10, 2);
  });

  it('AGGD moments count NaN in the sample size only', () => {
    const m = new AggdMoments();
    for (const x of [-2, -1, 0, 1, 3, NaN]) m.add(x);
    expect(m).toMatchObject({ negCount: 2, posCount: 2, negSq: 5, posSq: 10, absSum: 7, total: 6 });
    const { left, right, rhatnorm } = m.fit();
    expect([left, right]).toEqual([Math.sqrt(2.5), Math.sqrt(5)]);
    expect(Number.isFinite(rhatnorm)).toBe(true);
  });

  it('pseudo-inverts symmetric matrices, full rank or not', () => {
    const n = 36;
    const random = rng(7);
    const b = Float64Array.from({ length: n * n }, () => random() - 0.5);
    const spd = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) spd[i * n + j] += b[i * n + k] * b[j * n + k];
    for (let i = 0; i < n; i++) spd[i * n + i] += 0.1;
    const inv = pinvSymmetric(spd, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += spd[i * n + k] * inv[k * n + j];
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-9);
      }
    }
    // rank 1: v·vᵀ, whose pseudo-inverse is v·vᵀ / |v|⁴
    const v = [1, 2, 2];
    const r1 = Float64Array.from({ length: 9 }, (_, k) => v[Math.floor(k / 3)] * v[k % 3]);
    const p = pinvSymmetric(r1, 3);
    for (let k = 0; k < 9; k++) expect(p[k]).toBeCloseTo(r1[k] / 81, 12);
    const { values } = symmetricEigen(r1, 3);
    const sorted = [...values].sort((a, c) => a - c);
    expect(Math.abs(sorted[0]) + Math.abs(sorted[1])).toBeLessThan(1e-12);
    expect(sorted[2]).toBeCloseTo(9, 12);
  });

  it('OpenCV cubic resize keeps constants and linear ramps, copies at the same size', () => {
    const w = 40;
    const h = 30;
    const ramp = Float32Array.from({ length: w * h }, (_, i) => Math.fround(0.01 * (i % w) + 0.2));
    expect(resizeCubicOpenCv(ramp, w, h, w, h)).toEqual(ramp);
    const half = resizeCubicOpenCv(ramp, w, h, 20, 15);
    // destination x samples source x = 2x + 0.5; cubic convolution reproduces linear functions inside
    for (let x = 2; x < 18; x++) expect(half[5 * 20 + x]).toBeCloseTo(0.01 * (2 * x + 0.5) + 0.2, 6);
    const flat = resizeCubicOpenCv(new Float32Array(w * h).fill(0.5), w, h, 13, 7);
    expect(flat.every((x) => Math.abs(x - 0.5) < 1e-6)).toBe(true); // float32 weights need not sum to exactly 1
  });

  it('MATLAB imresize by ½ uses the antialiased bicubic taps BasicSR computes', () => {
    const c = contributions(96, 48, 0.5);
    expect(c.taps).toBe(8);
    expect([...c.weights.slice(0, 8)].map((x) => x * 256)).toEqual([-3, -9, 29, 111, 111, 29, -9, -3]);
    expect([c.first[0], c.first[1], c.first[47]]).toEqual([-3, -1, 91]);
    const flat = imresizeMatlab(new Float32Array(97 * 50).fill(0.25), 97, 50, 0.5);
    expect([flat.width, flat.height]).toEqual([49, 25]);
    expect(flat.data.every((x) => Math.abs(x - 0.25) < 1e-7)).toBe(true);
  });

  it('MATLAB Y rounds like numpy, ties to even', () => {
    const rgb = Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 0, 0, 22, 206, 0, 46, 48, 5]);
    // 16 + (65.481 R + 128.553 G + 24.966 B) / 255: 16, 235, 81.48, exactly 125.5, exactly 52.5
    expect([...matlabY(rgb, 5, 1)]).toEqual([16, 235, 81, 126, 52]);
  });
});

describe('brisque and niqe metrics', () => {
  it('are registered with their parameter files', async () => {
    const registry = await MetricRegistry.load();
    expect(registry.get('brisque')?.needs.files).toEqual(['brisque/brisque_model_live.yml', 'brisque/brisque_range_live.yml']);
    expect(registry.get('niqe')?.needs.files).toEqual(['niqe/niqe_image_params.mat']);
    expect(registry.get('brisque')?.scores[0]).toMatchObject({ key: 'score', range: [0, 100], direction: 'lower' });
  });

  it('score a photograph better than its blurred copy', async () => {
    const raw = await photo(384, 288);
    const blurred = await sharp(raw, rawOf(384, 288)).blur(3).raw().toBuffer();
    const sharpEv = await run(['brisque', 'niqe'], await decodeImage(await png(raw, 384, 288), limits));
    const blurEv = await run(['brisque', 'niqe'], await decodeImage(await png(blurred, 384, 288), limits));
    expect(sharpEv.outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
    expect(sharpEv.scores['brisque.score']).toBeLessThan(blurEv.scores['brisque.score'] - 10);
    expect(sharpEv.scores['niqe.score']).toBeLessThan(blurEv.scores['niqe.score'] - 1);
    expect(sharpEv.outcomes[1].details).toEqual({ blocks: 12, completeBlocks: 12 });
  });

  const notApplicable = async (image: DecodedImage, reasons: { brisque: RegExp; niqe: RegExp }) => {
    const ev = await run(['brisque', 'niqe'], image);
    expect(ev.scores).toEqual({});
    for (const o of ev.outcomes) {
      expect(o.status).toBe('not_applicable');
      expect(o.reason?.code).toBe('metric_not_applicable');
      expect(o.reason?.message).toMatch(reasons[o.metric as 'brisque' | 'niqe']);
    }
  };

  it('a constant image is not applicable (no MSCN spread), never NaN', async () => {
    await notApplicable(await decodeImage(await png(Buffer.alloc(200 * 200 * 3, 128), 200, 200), limits), {
      brisque: /undefined for this image.*flat/,
      niqe: /undefined in every block/,
    });
  });

  it('1×1 and 2×2 images are not applicable', async () => {
    await notApplicable(await decodeImage(await png(Buffer.from([10, 20, 30]), 1, 1), limits), {
      brisque: /at least 2×2 pixels.*1×1/,
      niqe: /96×96 block.*1×1/,
    });
    await notApplicable(await decodeImage(await png(Buffer.from([0, 50, 100, 150, 200, 250, 30, 60, 90, 120, 150, 180]), 2, 2), limits), {
      brisque: /half size \(1×1\)/,
      niqe: /96×96 block.*2×2/,
    });
  });

  it('an extreme aspect ratio (4000×3, 3×4000) is not applicable', async () => {
    const random = rng(3);
    const raw = Buffer.from(Array.from({ length: 4000 * 3 * 3 }, () => Math.floor(random() * 256)));
    await notApplicable(await decodeImage(await png(raw, 4000, 3), limits), { brisque: /half size \(2000×1\)/, niqe: /4000×3/ });
    await notApplicable(await decodeImage(await png(raw, 3, 4000), limits), { brisque: /half size \(1×2000\)/, niqe: /3×4000/ });
  });

  it('a single 96×96 block has no covariance: not applicable (BasicSR would report a number from np.cov of one row)', async () => {
    const ev = await run(['niqe'], await decodeImage(await png(await photo(96, 96), 96, 96), limits));
    expect(ev.outcomes[0].status).toBe('not_applicable');
    expect(ev.outcomes[0].reason?.message).toMatch(/at least two blocks.*1 of 1/);
    const two = await run(['niqe'], await decodeImage(await png(await photo(192, 96), 192, 96), limits));
    expect(Number.isFinite(two.scores['niqe.score'])).toBe(true);
  });

  it('a half-flat image gives finite values (flat pixels and blocks drop out as upstream)', async () => {
    const raw = await photo(288, 288);
    raw.fill(255, 0, 288 * 100 * 3); // top 100 rows white: NaN MSCN pixels in OpenCV, undefined NIQE blocks
    const ev = await run(['brisque', 'niqe'], await decodeImage(await png(raw, 288, 288), limits));
    expect(ev.outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
    expect(Object.values(ev.scores).every(Number.isFinite)).toBe(true);
    expect(ev.outcomes[1].details).toEqual({ blocks: 9, completeBlocks: 6 });
  });

  it('greyscale, alpha and 16-bit inputs decode to defined scores', async () => {
    const w = 256;
    const h = 192;
    const raw = await photo(w, h, 'baboon.jpg');
    const grey = await sharp(raw, rawOf(w, h)).greyscale().raw().toBuffer();
    const greyAsRgb = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i++) greyAsRgb.fill(grey[i], 3 * i, 3 * i + 3);
    const rgba = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      raw.copy(rgba, 4 * i, 3 * i, 3 * i + 3);
      rgba[4 * i + 3] = i % w < w / 2 ? 255 : 128; // right half translucent
    }
    const inputs = {
      rgb: await png(raw, w, h),
      grey: await sharp(grey, rawOf(w, h, 1))
        .toColourspace('b-w')
        .png()
        .toBuffer(),
      greyAsRgb: await png(greyAsRgb, w, h),
      alpha: await png(rgba, w, h, 4),
      rgb16: await sharp(raw, rawOf(w, h)).toColourspace('rgb16').png().toBuffer(),
    };
    const scores: Record<string, Record<string, number>> = {};
    for (const [name, bytes] of Object.entries(inputs)) {
      const ev = await run(['brisque', 'niqe'], await decodeImage(bytes, limits));
      expect(
        ev.outcomes.map((o) => o.status),
        name,
      ).toEqual(['ok', 'ok']);
      expect(ev.scores['brisque.score']).toBeGreaterThanOrEqual(0);
      expect(ev.scores['brisque.score']).toBeLessThanOrEqual(100);
      expect(ev.scores['niqe.score']).toBeGreaterThan(0);
      scores[name] = ev.scores;
    }
    // decoding converts these to the same 8-bit pixels, so the scores agree exactly
    expect(scores.grey).toEqual(scores.greyAsRgb);
    expect(scores.rgb16).toEqual(scores.rgb);
    expect(scores.alpha['brisque.score']).not.toBe(scores.rgb['brisque.score']);
  });

  it('features are NaN-free for natural images and 36 long', async () => {
    const raw = await photo(160, 120);
    const y = Uint8Array.from(
      { length: 160 * 120 },
      (_, i) => (raw[3 * i] * 4899 + raw[3 * i + 1] * 9617 + raw[3 * i + 2] * 1868 + 8192) >> 14,
    );
    const f = brisqueFeatures(y, 160, 120);
    expect(f).toHaveLength(36);
    expect([...f].every(Number.isFinite)).toBe(true);
  });
});
