import { describe, expect, it } from 'vitest';
import { AssayError, ErrorCode } from '@assay/contracts';
import {
  addEmbedding,
  addToSample,
  addToSet,
  cmmd,
  emptyMoments,
  emptySample,
  emptySetStats,
  flushMoments,
  frechetDistance,
  mergeMoments,
  mergeSamples,
  mergeSets,
  momentsFromBytes,
  momentsToBytes,
  pairedGram,
  prdc,
  sampleRows,
  setDistances,
  symmetricEigenvalues,
  type Moments,
} from '@assay/distribution';
import { createRng } from '@assay/stats';

const rng = createRng(7);
const vectors = (n: number, d: number, shift = 0) =>
  Array.from({ length: n }, () => Float32Array.from({ length: d }, (_, j) => shift + rng.normal() * (1 + j / d)));

function momentsOf(rows: ArrayLike<number>[], d: number): Moments {
  const m = emptyMoments(d);
  for (const r of rows) addEmbedding(m, r);
  flushMoments(m);
  return m;
}

describe('symmetric eigenvalues', () => {
  it('finds a diagonal matrix’s diagonal, a 2 × 2’s closed form, and keeps trace and Frobenius norm', () => {
    expect(Array.from(symmetricEigenvalues(Float64Array.from([3, 0, 0, 0, -1, 0, 0, 0, 2]), 3))).toEqual([-1, 2, 3]);
    const [lo, hi] = symmetricEigenvalues(Float64Array.from([2, 1, 1, 2]), 2);
    expect(lo).toBeCloseTo(1, 14);
    expect(hi).toBeCloseTo(3, 14);
    const n = 120;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
    let trace = 0;
    let fro = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    for (const v of a) fro += v * v;
    const ev = symmetricEigenvalues(Float64Array.from(a), n);
    expect(ev.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 9);
    expect(ev.reduce((s, x) => s + x * x, 0) / fro).toBeCloseTo(1, 12);
    for (let i = 1; i < n; i++) expect(ev[i]).toBeGreaterThanOrEqual(ev[i - 1]);
  });
});

describe('moments', () => {
  it('merged in stretches equal one pass, and survive bytes exactly', () => {
    const rows = vectors(300, 16, 5);
    const whole = momentsOf(rows, 16);
    const parts = [rows.slice(0, 7), rows.slice(7, 150), rows.slice(150)].map((p) => momentsOf(p, 16));
    const merged = emptyMoments(16);
    for (const p of parts) mergeMoments(merged, p);
    expect(merged.n).toBe(300);
    for (let i = 0; i < 16; i++) expect(merged.mean[i]).toBeCloseTo(whole.mean[i], 12);
    for (let i = 0; i < 16; i++) for (let j = i; j < 16; j++) expect(merged.m2[i * 16 + j] / whole.m2[i * 16 + j]).toBeCloseTo(1, 11);
    const back = momentsFromBytes(momentsToBytes(whole));
    expect(back.n).toBe(300);
    expect(Array.from(back.mean)).toEqual(Array.from(whole.mean));
    for (let i = 0; i < 16; i++) for (let j = i; j < 16; j++) expect(back.m2[i * 16 + j]).toBe(whole.m2[i * 16 + j]);
  });

  it('refuse mixed dimensions (embedding_mismatch) and covariances of fewer than 2 (not_enough_embeddings)', () => {
    const m = emptyMoments(4);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as AssayError).code;
      }
    };
    expect(code(() => addEmbedding(m, [1, 2, 3]))).toBe(ErrorCode.EmbeddingMismatch);
    addEmbedding(m, [1, 2, 3, 4]);
    expect(code(() => frechetDistance(m, m))).toBe(ErrorCode.NotEnoughEmbeddings);
    expect(
      code(() => setDistances(emptySetStats({ id: 'a', version: '1', dims: 4 }), emptySetStats({ id: 'b', version: '1', dims: 4 }), 1)),
    ).toBe(ErrorCode.EmbeddingMismatch);
    const sha = (s: string) => emptySetStats({ id: 'a', version: '1', dims: 4, sha256: s });
    expect(code(() => mergeSets(sha('x'), sha('y')))).toBe(ErrorCode.EmbeddingMismatch);
    expect(new AssayError(ErrorCode.EmbeddingMismatch, '').code).toBe('embedding_mismatch');
  });
});

describe('Fréchet distance', () => {
  it('is the closed form for diagonal covariances: ‖Δμ‖² + Σ (√a − √b)²', () => {
    const d = 5;
    const diag = (values: number[], mean: number[]): Moments => {
      const m = emptyMoments(d);
      m.n = 11;
      m.pending = [];
      m.mean.set(mean);
      values.forEach((v, i) => (m.m2[i * d + i] = v * 10));
      return m;
    };
    const a = [1, 4, 9, 0.25, 2];
    const b = [4, 1, 9, 1, 0.5];
    const fd = frechetDistance(diag(a, [0, 0, 0, 0, 0]), diag(b, [1, 0, 2, 0, 0]));
    const want = 5 + a.reduce((s, v, i) => s + (Math.sqrt(v) - Math.sqrt(b[i])) ** 2, 0);
    expect(fd.value).toBeCloseTo(want, 12);
  });

  it('is zero for a set against itself and positive for a shifted set, whichever side has fewer samples', () => {
    const x = vectors(40, 64);
    const same = frechetDistance(momentsOf(x, 64), momentsOf(x, 64));
    expect(Math.abs(same.value)).toBeLessThan(1e-9);
    expect(same.rank).toBe(39);
    const y = vectors(100, 64, 0.5);
    const ab = frechetDistance(momentsOf(x, 64), momentsOf(y, 64)).value;
    const ba = frechetDistance(momentsOf(y, 64), momentsOf(x, 64)).value;
    expect(ab).toBeGreaterThan(64 * 0.25 * 0.9);
    expect(ba).toBeCloseTo(ab, 9);
  });
});

describe('bounded sample', () => {
  it('chooses the same assets whatever the order, and merged halves equal the whole', () => {
    const rows = vectors(500, 3);
    const ids = rows.map((_, i) => `asset-${i}`);
    const forward = emptySample(3, 50);
    const backward = emptySample(3, 50);
    rows.forEach((r, i) => addToSample(forward, ids[i], r));
    [...rows.keys()].reverse().forEach((i) => addToSample(backward, ids[i], rows[i]));
    const halves = [emptySample(3, 50), emptySample(3, 50)];
    rows.forEach((r, i) => addToSample(halves[i % 2], ids[i], r));
    mergeSamples(halves[0], halves[1]);
    expect(sampleRows(forward)).toEqual(sampleRows(backward));
    expect(sampleRows(halves[0])).toEqual(sampleRows(forward));
    expect(forward.ids).toHaveLength(50);
  });
});

describe('kernel distances and PRDC', () => {
  it('a set against itself: CMMD 0, precision, recall and coverage 1', () => {
    const x = vectors(60, 8);
    const flat = Float64Array.from(x.flatMap((v) => Array.from(v)));
    const g = pairedGram(flat, 60, Float64Array.from(flat), 60, 8);
    expect(Math.abs(cmmd(g))).toBeLessThan(1e-12);
    expect(prdc(g)).toMatchObject({ precision: 1, recall: 1, coverage: 1 });
  });

  it('setDistances: a shifted set is farther on every metric than a fresh draw of the same distribution', () => {
    const stats = (rows: Float32Array[], tag: string) => {
      const s = emptySetStats({ id: 'm', version: '1', dims: 16 }, 200);
      rows.forEach((r, i) => addToSet(s, `${tag}-${i}`, r));
      return s;
    };
    const ref = stats(vectors(400, 16), 'r');
    const same = setDistances(ref, stats(vectors(400, 16), 's'), 3);
    const shifted = setDistances(ref, stats(vectors(400, 16, 0.8), 'x'), 3);
    expect(same.sampled).toEqual([200, 200]);
    expect(shifted.frechet.value).toBeGreaterThan(5 * same.frechet.value);
    expect(shifted.kid.mean).toBeGreaterThan(same.kid.mean);
    expect(shifted.cmmd).toBeGreaterThan(same.cmmd);
    expect(shifted.prdc.precision).toBeLessThan(same.prdc.precision);
    expect(shifted.prdc.coverage).toBeLessThan(same.prdc.coverage);
    const x = stats(vectors(400, 16, 0.8), 'x');
    expect(setDistances(ref, x, 3)).toEqual(setDistances(ref, x, 3));
  });
});
