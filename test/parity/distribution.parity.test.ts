/**
 * @assay/distribution against NumPy/SciPy (Debian's /usr/bin/python3: SciPy 1.10.1, NumPy 1.24.2) run by
 * test/parity/distribution_reference.py on the same embeddings and the same KID subsets, written here:
 * - `gaussian-64`: correlated Gaussian sets, 500 × 64 and 600 × 64 (well conditioned);
 * - `low-rank-256`: 60 and 70 points in 256 dimensions lying near a 12-dimensional subspace (n < d, both
 *   covariances singular: the product's square root is where scipy.linalg.sqrtm goes complex);
 * - `mobilenet-photos`: real embeddings — MobileNetV2 pooled features (1280-d, the `embedding` output of the
 *   converted nsfwjs model) of opencv-doc photographs against the same photographs blurred (n < d).
 *
 * Tolerances: FD 1e-6 relative against the symmetric reference (eigh of √Σ₁ Σ₂ √Σ₁) and against pytorch-fid's
 * sqrtm route (whose square root goes complex when n < d; it keeps the real part, which still gives the
 * trace); KID and CMMD 1e-9 relative (KID's std on the mean's scale); PRDC exactly (they are counts).
 *
 * Sanity on real images: FD_MobileNetV2(photos, photos' JPEG q90) < FD(photos, blurred photos), and FD grows
 * with the blur radius.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addEmbedding,
  cmmd,
  drawKidSubsets,
  emptyMoments,
  frechetDistance,
  kernelInceptionDistance,
  pairedGram,
  prdc,
  type KidSubset,
  type Moments,
} from '@assay/distribution';
import { InferenceHost } from '@assay/inference';
import { decodeImage } from '@assay/media';
import { convertNsfwjs, NSFWJS_SIZE, nsfwjsInput } from '@assay/model-tools';
import { createRng } from '@assay/stats';
import { OPENCV_DATA, quietLogger } from '../helpers/env.js';

const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';
const PHOTOS = readdirSync(OPENCV_DATA)
  .filter((f) => /\.jpg$/.test(f))
  .sort()
  .slice(0, 40);

interface EmbeddingCase {
  name: string;
  d: number;
  x: Float64Array;
  y: Float64Array;
  subsets?: KidSubset[];
}
interface Reference {
  versions: Record<string, string>;
  cases: {
    name: string;
    fd_sqrtm: number;
    sqrtm_max_imag: number;
    sqrtm_offset: boolean;
    fd_eigh: number;
    kid?: [number, number];
    cmmd?: number;
    prdc?: { precision: number; recall: number; density: number; coverage: number };
  }[];
}

let dir: string;
let ref: Reference;
const cases: EmbeddingCase[] = [];
const features = new Map<string, Float64Array>();
const host = new InferenceHost(['cpu'], quietLogger());

/** n points of N(mean, A Aᵀ) with A a fixed random d × rank mixing (plus `noise` of isotropic spread). */
function gaussian(n: number, d: number, rank: number, mean: number, noise: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const mix = Float64Array.from({ length: d * rank }, () => rng.normal() / Math.sqrt(rank));
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: rank }, () => rng.normal());
    for (let j = 0; j < d; j++) {
      let v = mean + noise * rng.normal();
      for (let r = 0; r < rank; r++) v += mix[j * rank + r] * z[r];
      out[i * d + j] = v;
    }
  }
  return out;
}

function momentsOf(rows: Float64Array, d: number): Moments {
  const m = emptyMoments(d);
  for (let i = 0; i < rows.length / d; i++) addEmbedding(m, rows.subarray(i * d, (i + 1) * d));
  return m;
}

/** MobileNetV2 pooled features of every photo through `variant`, as the workers compute them. */
async function photoFeatures(model: string, variant: (img: sharp.Sharp) => Promise<Buffer>): Promise<Float64Array> {
  const out = new Float64Array(PHOTOS.length * 1280);
  for (const [i, photo] of PHOTOS.entries()) {
    const bytes = await variant(sharp(join(OPENCV_DATA, photo)).resize(320, 320, { fit: 'inside' }).removeAlpha());
    const img = await decodeImage(bytes, { maxBytes: 1e9, maxPixels: 1e9 });
    const res = await host.run(model, {
      pixel_values: { type: 'float32', data: nsfwjsInput(img), dims: [1, 3, NSFWJS_SIZE, NSFWJS_SIZE] },
    });
    out.set(res.outputs.embedding.data as Float32Array, i * 1280);
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-distribution-parity-'));
  const converted = convertNsfwjs({ outDir: dir });
  await host.load({ id: converted.id, version: converted.nsfwjsVersion, path: converted.onnx });
  const variants: [string, (img: sharp.Sharp) => Promise<Buffer>][] = [
    ['original', (img) => img.png().toBuffer()],
    ['jpeg90', (img) => img.jpeg({ quality: 90 }).toBuffer()],
    ['blur1', (img) => img.blur(1).png().toBuffer()],
    ['blur2', (img) => img.blur(2).png().toBuffer()],
    ['blur4', (img) => img.blur(4).png().toBuffer()],
  ];
  for (const [name, variant] of variants) features.set(name, await photoFeatures(converted.id, variant));

  const rng = createRng(11);
  const g = { name: 'gaussian-64', d: 64, x: gaussian(500, 64, 64, 0, 0.1, 1), y: gaussian(600, 64, 64, 0.2, 0.1, 2) };
  const low = { name: 'low-rank-256', d: 256, x: gaussian(60, 256, 12, 0, 1e-3, 3), y: gaussian(70, 256, 12, 0.05, 1e-3, 4) };
  const real = { name: 'mobilenet-photos', d: 1280, x: features.get('original')!, y: features.get('blur2')! };
  for (const c of [g, low, real]) {
    const nx = c.x.length / c.d;
    const ny = c.y.length / c.d;
    cases.push({ ...c, subsets: drawKidSubsets(nx, ny, rng, 20) });
  }
  const written = cases.map((c) => {
    writeFileSync(join(dir, `${c.name}.x.f64`), new Uint8Array(c.x.buffer));
    writeFileSync(join(dir, `${c.name}.y.f64`), new Uint8Array(c.y.buffer));
    const m = c.subsets![0].x.length;
    const idx = new Int32Array(c.subsets!.length * 2 * m);
    c.subsets!.forEach((s, i) => {
      idx.set(s.x, i * 2 * m);
      idx.set(s.y, i * 2 * m + m);
    });
    writeFileSync(join(dir, `${c.name}.subsets.i32`), new Uint8Array(idx.buffer));
    return { name: c.name, d: c.d, x: `${c.name}.x.f64`, y: `${c.name}.y.f64`, subsets: `${c.name}.subsets.i32`, m };
  });
  writeFileSync(join(dir, 'cases.json'), JSON.stringify(written));
  const { stdout } = await promisify(execFile)(PYTHON, ['test/parity/distribution_reference.py', dir], { maxBuffer: 64 << 20 });
  ref = JSON.parse(stdout) as Reference;
}, 600_000);

afterAll(async () => {
  await host.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const rel = (got: number, want: number) => Math.abs(got - want) / Math.max(Math.abs(want), 1e-300);

describe('distribution metrics against NumPy/SciPy', () => {
  it('reports the reference versions', () => {
    expect(ref.versions.scipy).toMatch(/^\d+\.\d+/);
    console.log(`distribution parity references: NumPy ${ref.versions.numpy}, SciPy ${ref.versions.scipy}`);
  });

  for (const name of ['gaussian-64', 'low-rank-256', 'mobilenet-photos'])
    it(`${name}: FD, KID, CMMD and PRDC`, () => {
      const c = cases.find((k) => k.name === name)!;
      const r = ref.cases.find((k) => k.name === name)!;
      const nx = c.x.length / c.d;
      const ny = c.y.length / c.d;
      const fd = frechetDistance(momentsOf(c.x, c.d), momentsOf(c.y, c.d));
      const g = pairedGram(c.x, nx, c.y, ny, c.d);
      const kid = kernelInceptionDistance(g, c.subsets!);
      const p = prdc(g);
      console.log(
        `${name} (${nx} vs ${ny} × ${c.d}): FD ${fd.value.toPrecision(10)} rank ${fd.rank}; ` +
          `rel. error vs eigh ${rel(fd.value, r.fd_eigh).toExponential(2)}, vs sqrtm ${rel(fd.value, r.fd_sqrtm).toExponential(2)} ` +
          `(sqrtm max |imag| ${r.sqrtm_max_imag.toExponential(2)}${r.sqrtm_offset ? ', eps offset' : ''}); ` +
          `KID ${kid.mean.toExponential(4)} (${rel(kid.mean, r.kid![0]).toExponential(2)}), CMMD ${cmmd(g).toPrecision(6)} ` +
          `(${rel(cmmd(g), r.cmmd!).toExponential(2)}), PRDC ${JSON.stringify(p)}`,
      );
      expect(rel(fd.value, r.fd_eigh)).toBeLessThan(1e-6);
      // pytorch-fid keeps the real part of a complex sqrtm; where n < d that is still the right trace
      expect(rel(fd.value, r.fd_sqrtm)).toBeLessThan(1e-6);
      expect(rel(kid.mean, r.kid![0])).toBeLessThan(1e-9);
      // with m = n every subset is the whole set and the spread is rounding noise: compared on the mean's scale
      expect(Math.abs(kid.std - r.kid![1]) / Math.abs(r.kid![0])).toBeLessThan(1e-9);
      expect(rel(cmmd(g), r.cmmd!)).toBeLessThan(1e-9);
      expect({ precision: p.precision, recall: p.recall, density: p.density, coverage: p.coverage }).toEqual(r.prdc);
    });

  it('scipy.linalg.sqrtm is real on the well-conditioned case and goes complex on real embeddings with n < d', () => {
    expect(ref.cases.find((k) => k.name === 'gaussian-64')!.sqrtm_max_imag).toBeLessThan(1e-9);
    expect(ref.cases.find((k) => k.name === 'mobilenet-photos')!.sqrtm_max_imag).toBeGreaterThan(1e-3);
  });
});

describe('FD_MobileNetV2 on real photographs', () => {
  it('grows with the degradation: JPEG q90 < blur σ1 < blur σ2 < blur σ4', () => {
    const fd = (name: string) => frechetDistance(momentsOf(features.get('original')!, 1280), momentsOf(features.get(name)!, 1280)).value;
    const values = ['jpeg90', 'blur1', 'blur2', 'blur4'].map((v) => [v, fd(v)] as const);
    console.log(`FD_MobileNetV2 of ${PHOTOS.length} photos: ${values.map(([v, x]) => `${v} ${x.toFixed(3)}`).join(', ')}`);
    for (let i = 1; i < values.length; i++) expect(values[i][1], values[i][0]).toBeGreaterThan(values[i - 1][1]);
    expect(values[0][1]).toBeGreaterThan(0);
    expect(fd('original')).toBeLessThan(1e-9 * values[0][1] + 1e-9);
  });
});
