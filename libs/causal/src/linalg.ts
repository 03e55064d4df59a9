/**
 * Dense linear algebra for tall designs (n up to millions, K up to ~60): Gram matrices accumulated in one
 * pass over the rows, and a Cholesky factorization of them. Nothing is O(n·n) and X is never copied; a
 * design may carry one extra column (the treatment) held in its own vector, so adding it costs O(n).
 */

/** Row-major n × cols matrix, optionally followed by one extra column: K = cols + (extra ? 1 : 0). */
export interface Columns {
  x: Float64Array;
  rows: number;
  cols: number;
  extra?: Float64Array;
}

export const width = (src: Columns): number => src.cols + (src.extra ? 1 : 0);

/** Rows gathered per rank update: four rows per pass over the K × K accumulator cut its loads and stores fourfold. */
const BLOCK = 4;

/**
 * A = Σ w_i z_i z_iᵀ (full symmetric K × K) and b = Σ w_i z_i y_i over the rows with mask[i] ≠ 0, where z_i is
 * row i (with its extra column). weights, mask and y are optional (null: all ones / all rows / no b).
 */
export function gram(
  src: Columns,
  weights: ArrayLike<number> | null,
  mask: Uint8Array | null,
  y: ArrayLike<number> | null,
): { a: Float64Array; b: Float64Array } {
  const { x, rows, cols, extra } = src;
  const k = width(src);
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  const z = new Float64Array(BLOCK * k);
  const wz = new Float64Array(BLOCK * k);
  let filled = 0;
  for (let i = 0; i < rows; i++) {
    if (mask !== null && mask[i] === 0) continue;
    const w = weights === null ? 1 : weights[i];
    const off = filled * k;
    const base = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = x[base + j];
      z[off + j] = v;
      wz[off + j] = w * v;
    }
    if (extra) {
      z[off + cols] = extra[i];
      wz[off + cols] = w * extra[i];
    }
    if (y !== null) {
      const yi = y[i];
      for (let j = 0; j < k; j++) b[j] += wz[off + j] * yi;
    }
    if (++filled === BLOCK) {
      rankUpdate(a, z, wz, k);
      filled = 0;
    }
  }
  if (filled > 0) {
    wz.fill(0, filled * k); // the unused slots contribute nothing
    rankUpdate(a, z, wz, k);
  }
  for (let p = 0; p < k; p++) for (let q = 0; q < p; q++) a[q * k + p] = a[p * k + q];
  return { a, b };
}

/** Lower triangle of a += Σ_s wz_s z_sᵀ over the BLOCK gathered rows. */
function rankUpdate(a: Float64Array, z: Float64Array, wz: Float64Array, k: number): void {
  const k2 = 2 * k;
  const k3 = 3 * k;
  for (let p = 0; p < k; p++) {
    const w0 = wz[p];
    const w1 = wz[k + p];
    const w2 = wz[k2 + p];
    const w3 = wz[k3 + p];
    const row = p * k;
    for (let q = 0; q <= p; q++) a[row + q] += w0 * z[q] + w1 * z[k + q] + w2 * z[k2 + q] + w3 * z[k3 + q];
  }
}

/** Σ w_i z_i v_i over the masked rows (w_i = 1 without weights). */
export function crossVector(
  src: Columns,
  v: Float64Array,
  mask: Uint8Array | null,
  weights: ArrayLike<number> | null = null,
): Float64Array {
  const { x, rows, cols, extra } = src;
  const out = new Float64Array(width(src));
  for (let i = 0; i < rows; i++) {
    if (mask !== null && mask[i] === 0) continue;
    const vi = weights === null ? v[i] : weights[i] * v[i];
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j] += x[base + j] * vi;
    if (extra) out[cols] += extra[i] * vi;
  }
  return out;
}

/** z_iᵀβ for row i (with its extra column). */
export function rowDot(src: Columns, i: number, beta: Float64Array): number {
  const { x, cols, extra } = src;
  const base = i * cols;
  let s = 0;
  for (let j = 0; j < cols; j++) s += x[base + j] * beta[j];
  if (extra) s += extra[i] * beta[cols];
  return s;
}

/**
 * A Cholesky factor of D·A·D, D = diag(1/√A_jj) (unit diagonal, so the tolerance is relative and column
 * scales — prices next to indicators — do not degrade the factor), taken column by column in order. Column j
 * whose squared residual on the kept earlier columns, as a fraction of its own squared norm, is at most `tol`
 * is dropped: it is (numerically) a linear combination of earlier columns.
 */
export interface Cholesky {
  k: number;
  /** Lower factor of the scaled matrix, dropped rows and columns zero. */
  l: Float64Array;
  scale: Float64Array;
  dropped: number[];
}

/** 1e-10 on the squared norm ratio: a column left with under 1e-5 of its norm once the earlier columns are projected out. */
export const RANK_TOLERANCE = 1e-10;

export function cholesky(a: Float64Array, k: number, tol = RANK_TOLERANCE): Cholesky {
  const scale = new Float64Array(k);
  for (let j = 0; j < k; j++) scale[j] = a[j * k + j] > 0 ? 1 / Math.sqrt(a[j * k + j]) : 0;
  const l = new Float64Array(k * k);
  const dropped: number[] = [];
  for (let j = 0; j < k; j++) {
    let d = scale[j] === 0 ? 0 : a[j * k + j] * scale[j] * scale[j];
    for (let m = 0; m < j; m++) d -= l[j * k + m] * l[j * k + m];
    if (!(d > tol)) {
      dropped.push(j);
      for (let m = 0; m < j; m++) l[j * k + m] = 0;
      continue;
    }
    const ljj = Math.sqrt(d);
    l[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j] * scale[i] * scale[j];
      for (let m = 0; m < j; m++) s -= l[i * k + m] * l[j * k + m];
      l[i * k + j] = s / ljj;
    }
  }
  return { k, l, scale, dropped };
}

/** Solves A x = b through the scaled factor; dropped coordinates come back 0. */
export function choleskySolve(c: Cholesky, b: ArrayLike<number>): Float64Array {
  const { k, l, scale } = c;
  const v = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    if (l[i * k + i] === 0) continue;
    let s = b[i] * scale[i];
    for (let m = 0; m < i; m++) s -= l[i * k + m] * v[m];
    v[i] = s / l[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    if (l[i * k + i] === 0) continue;
    let s = v[i];
    for (let m = i + 1; m < k; m++) s -= l[m * k + i] * v[m];
    v[i] = s / l[i * k + i];
  }
  for (let i = 0; i < k; i++) v[i] *= scale[i];
  return v;
}

/** A⁻¹ (full K × K) from the factor, restricted to the kept columns (dropped rows and columns 0). */
export function choleskyInverse(c: Cholesky): Float64Array {
  const { k } = c;
  const inv = new Float64Array(k * k);
  const e = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(c, e);
    for (let i = 0; i < k; i++) inv[i * k + j] = col[i];
  }
  // symmetrize away the last-bit asymmetry of column-by-column solves
  for (let i = 0; i < k; i++)
    for (let j = 0; j < i; j++) {
      const m = (inv[i * k + j] + inv[j * k + i]) / 2;
      inv[i * k + j] = m;
      inv[j * k + i] = m;
    }
  return inv;
}

/** B·M·B for symmetric K × K B and M (the sandwich). */
export function sandwich(bread: Float64Array, meat: Float64Array, k: number): Float64Array {
  const tmp = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += bread[i * k + m] * meat[m * k + j];
      tmp[i * k + j] = s;
    }
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let m = 0; m < k; m++) s += tmp[i * k + m] * bread[m * k + j];
      out[i * k + j] = s;
    }
  return out;
}
