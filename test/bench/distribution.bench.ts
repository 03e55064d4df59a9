/**
 * npm run bench:distribution — @assay/distribution against NumPy/SciPy 1.10 (Debian's, whose BLAS/LAPACK
 * is what `apt` installs) on the same embeddings, medians of BENCH_ROUNDS (default 3), in one run:
 *  - moments: mean and covariance of two sets of n = 10 000 embeddings (1280-d and 768-d, float32 in, float64
 *    sums) — ours folds them as the post-close job does (blocks of 64), NumPy's is `np.cov`;
 *  - FD from those moments — ours (pivoted Cholesky + symmetric eigenvalues) against pytorch-fid's
 *    `scipy.linalg.sqrtm` route and the symmetric `eigh` route;
 *  - KID (100 subsets of 1000), CMMD and PRDC (k = 5) on the bounded samples (2 000 per side) both compute on;
 *  - the eigenvalues of a 2048 × 2048 covariance: ours against `scipy.linalg.eigvalsh` (and `eigh`, with vectors).
 * Peak RSS is this process's (the JS side). SciPy's times are taken inside Python (perf_counter). Ours run on the
 * OpenBLAS addon when it is built, on TypeScript with ASSAY_LINALG=js.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addToSet,
  cmmd,
  drawKidSubsets,
  emptySetStats,
  flushMoments,
  frechetDistance,
  kernelInceptionDistance,
  linalgBackend,
  pairedGram,
  prdc,
  sampleRows,
  symmetricEigenvalues,
  type EmbeddingSetStats,
} from '@assay/distribution';
import { createRng } from '@assay/stats';
import { median, QUICK, rounds, table } from './stats.js';

const PYTHON = process.env.PARITY_PYTHON ?? '/usr/bin/python3';
const ROUNDS = rounds(3);
const N = QUICK ? 400 : 10_000;
const DIMS = QUICK ? [64] : [1280, 768];
const SAMPLE = QUICK ? 200 : 2000;
const EIG_N = QUICK ? 128 : 2048;

/** Post-ReLU-like features: a rank-64 mixture plus noise, clipped at 0 (what pooled CNN features look like). */
function embeddings(n: number, d: number, seed: number, shift: number): Float32Array[] {
  const rng = createRng(seed);
  const mix = Float64Array.from({ length: d * 64 }, () => rng.normal() / 8);
  return Array.from({ length: n }, () => {
    const z = Array.from({ length: 64 }, () => rng.normal());
    return Float32Array.from({ length: d }, (_, j) => {
      let v = shift + 0.1 * rng.normal();
      for (let k = 0; k < 64; k++) v += mix[j * 64 + k] * z[k];
      return Math.max(0, v);
    });
  });
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    value = fn();
    times.push(performance.now() - t);
  }
  return { ms: median(times), value };
}

const flat = (rows: Float32Array[]) => {
  const out = new Float32Array(rows.length * rows[0].length);
  rows.forEach((r, i) => out.set(r, i * r.length));
  return out;
};
const mb = (bytes: number) => (bytes / 1024).toFixed(0);

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-distribution-'));
const rows: (string | number)[][] = [];
try {
  const eigRng = createRng(9);
  const a = Float64Array.from({ length: 2 * EIG_N * EIG_N }, () => eigRng.normal());
  const cov = new Float64Array(EIG_N * EIG_N);
  for (let i = 0; i < EIG_N; i++)
    for (let j = i; j < EIG_N; j++) {
      let s = 0;
      for (let k = 0; k < 2 * EIG_N; k++) s += a[k * EIG_N + i] * a[k * EIG_N + j];
      cov[i * EIG_N + j] = cov[j * EIG_N + i] = s / (2 * EIG_N - 1);
    }
  writeFileSync(join(dir, 'eig.f64'), new Uint8Array(cov.buffer));
  const eig = timed(() => symmetricEigenvalues(Float64Array.from(cov), EIG_N));

  for (const d of DIMS) {
    const [x, y] = [embeddings(N, d, 1, 0), embeddings(N, d, 2, 0.05)];
    const build = (vectors: Float32Array[], tag: string): EmbeddingSetStats => {
      const s = emptySetStats({ id: 'bench', version: '1', dims: d }, SAMPLE);
      vectors.forEach((v, i) => addToSet(s, `${tag}-${i}`, v));
      flushMoments(s.moments);
      return s;
    };
    const sets = timed(() => [build(x, 'x'), build(y, 'y')]);
    const [sx, sy] = sets.value;
    const fd = timed(() => frechetDistance(sx.moments, sy.moments));
    const [xs, ys] = [sampleRows(sx.sample), sampleRows(sy.sample)];
    const g = timed(() => pairedGram(Float64Array.from(xs.rows), xs.ids.length, Float64Array.from(ys.rows), ys.ids.length, d));
    const kid = timed(() => kernelInceptionDistance(g.value, drawKidSubsets(xs.ids.length, ys.ids.length, createRng(1))));
    const cm = timed(() => cmmd(g.value));
    const pr = timed(() => prdc(g.value));
    writeFileSync(join(dir, 'x.f32'), new Uint8Array(flat(x).buffer));
    writeFileSync(join(dir, 'y.f32'), new Uint8Array(flat(y).buffer));
    writeFileSync(join(dir, 'xs.f32'), new Uint8Array(xs.rows.buffer));
    writeFileSync(join(dir, 'ys.f32'), new Uint8Array(ys.rows.buffer));
    const args = [dir, N, d, xs.ids.length, ROUNDS, EIG_N].map(String);
    const ref = JSON.parse(execFileSync(PYTHON, ['test/bench/distribution_reference.py', ...args], { encoding: 'utf8' })) as Record<
      string,
      number
    > & { versions: Record<string, string> };
    const rel = Math.abs(fd.value.value - ref.fd_eigh_value) / ref.fd_eigh_value;
    const row = (what: string, ours: number, theirs: number, ref2 = '') =>
      rows.push([`${d}-d ${what}`, ours.toFixed(0), theirs.toFixed(0), (ours / theirs).toFixed(1), ref2]);
    row(`moments, 2 × ${N}`, sets.ms, ref.moments);
    row('FD from moments vs sqrtm', fd.ms, ref.fd_sqrtm, `FD ${fd.value.value.toFixed(4)}, rel. diff vs eigh ${rel.toExponential(1)}`);
    row('FD from moments vs eigh', fd.ms, ref.fd_eigh);
    row(
      `KID, samples ${xs.ids.length}`,
      g.ms + kid.ms,
      ref.kid,
      `ours: inner products ${g.ms.toFixed(0)} ms + subsets ${kid.ms.toFixed(0)} ms`,
    );
    row('CMMD (same inner products)', cm.ms, ref.cmmd);
    row('PRDC (same inner products)', pr.ms, ref.prdc);
    if (d === DIMS[0]) {
      row(`eigenvalues ${EIG_N}² vs eigvalsh`, eig.ms, ref.eigvalsh);
      row(`eigenvalues ${EIG_N}² vs eigh`, eig.ms, ref.eigh, `NumPy ${ref.versions.numpy}, SciPy ${ref.versions.scipy}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `bench:distribution — ours on ${linalgBackend()} (ASSAY_LINALG=js: TypeScript); medians of ${ROUNDS} rounds (ms); ratio = ours ÷ NumPy/SciPy`,
);
console.log(table(['case', 'ours', 'numpy/scipy', 'ratio', 'note'], rows));
console.log(`peak RSS (this process): ${mb(process.resourceUsage().maxRSS)} MB`);
