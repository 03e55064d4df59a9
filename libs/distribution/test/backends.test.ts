import { afterAll, describe, expect, it } from 'vitest';
import {
  addEmbedding,
  emptyMoments,
  flushMoments,
  frechetDistance,
  gram,
  linalgBackend,
  setLinalgBackend,
  symmetricEigenvalues,
  type Moments,
} from '@assay/distribution';
import { createRng } from '@assay/stats';

// The OpenBLAS/LAPACK addon (built by `npm run build`; CI installs libopenblas-dev) and the TypeScript routes
// must give the same numbers to rounding: each result below is computed on both and compared.
const rng = createRng(5);
const rows = Array.from({ length: 700 }, () => Float32Array.from({ length: 96 }, (_, j) => Math.max(0, rng.normal() + j / 96)));

function onBoth<T>(fn: () => T): { openblas: T; typescript: T } {
  setLinalgBackend('openblas');
  const openblas = fn();
  setLinalgBackend('typescript');
  const typescript = fn();
  setLinalgBackend('openblas');
  return { openblas, typescript };
}

const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
};

afterAll(() => setLinalgBackend('openblas'));

describe('linear algebra backends', () => {
  it('the OpenBLAS addon is built and active', () => {
    expect(linalgBackend()).toBe('openblas');
  });

  it('moments, inner products, eigenvalues and FD agree to rounding', () => {
    const moments = (part: Float32Array[]): Moments => {
      const m = emptyMoments(96);
      for (const r of part) addEmbedding(m, r);
      flushMoments(m);
      return m;
    };
    const m = onBoth(() => moments(rows));
    expect(m.openblas.n).toBe(700);
    expect(maxRel(m.openblas.mean, m.typescript.mean)).toBeLessThan(1e-13);
    expect(maxRel(m.openblas.m2, m.typescript.m2)).toBeLessThan(1e-12);

    const x = Float64Array.from(rows.slice(0, 300).flatMap((r) => Array.from(r)));
    const y = Float64Array.from(rows.slice(300).flatMap((r) => Array.from(r)));
    const g = onBoth(() => gram(x, 300, y, 400, 96));
    expect(maxRel(g.openblas, g.typescript)).toBeLessThan(1e-13);

    const n = 150;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
    const ev = onBoth(() => symmetricEigenvalues(Float64Array.from(a), n));
    expect(maxRel(ev.openblas, ev.typescript)).toBeLessThan(1e-12);

    const fd = onBoth(() => frechetDistance(moments(rows.slice(0, 350)), moments(rows.slice(350))).value);
    expect(Math.abs(fd.openblas - fd.typescript) / fd.typescript).toBeLessThan(1e-10);
  });
});
