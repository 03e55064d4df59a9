/** NIQE's pristine multivariate Gaussian (LIVE release `pop_mu`, `pop_cov`), parsed once per path. */
import { readFileSync } from 'node:fs';
import { matrixOf, parseMat5 } from './mat5.js';

export const NIQE_FEATURES = 36;

export interface NiqeParams {
  mu: Float64Array;
  /** 36 × 36, row-major */
  cov: Float64Array;
}

export function parseNiqeParams(bytes: Uint8Array): NiqeParams {
  const vars = parseMat5(bytes);
  const mu = matrixOf(vars, 'pop_mu');
  const cov = matrixOf(vars, 'pop_cov');
  if (mu.rows * mu.cols !== NIQE_FEATURES) throw new Error(`NIQE params: pop_mu is ${mu.rows}×${mu.cols}, expected 1×${NIQE_FEATURES}`);
  if (cov.rows !== NIQE_FEATURES || cov.cols !== NIQE_FEATURES) throw new Error(`NIQE params: pop_cov is ${cov.rows}×${cov.cols}`);
  for (const x of [...mu.data, ...cov.data]) if (!Number.isFinite(x)) throw new Error('NIQE params: non-finite value');
  return { mu: mu.data, cov: cov.data };
}

const cache = new Map<string, NiqeParams>();

export function loadNiqeParams(path: string): NiqeParams {
  let p = cache.get(path);
  if (!p) {
    p = parseNiqeParams(readFileSync(path));
    cache.set(path, p);
  }
  return p;
}
