import { areaSums } from './area-resize.js';

/** 64 bits (row-major, first bit = most significant) as 16 lowercase hex digits, ImageHash's layout. */
export function bitsToHex(bits: ArrayLike<boolean>): string {
  let hex = '';
  for (let i = 0; i < 64; i += 4) hex += ((+bits[i] << 3) | (+bits[i + 1] << 2) | (+bits[i + 2] << 1) | +bits[i + 3]).toString(16);
  return hex;
}

/** Number of differing bits between two 16-hex-digit hashes. */
export function hammingHex(a: string, b: string): number {
  let n = 0;
  for (let i = 0; i < 16; i++) {
    let x = parseInt(a[i], 16) ^ parseInt(b[i], 16);
    for (; x; x &= x - 1) n++;
  }
  return n;
}

const N = 32;
const K = 8;
/** COS[k·N + n] = cos(π·k·(2n + 1) / 2N): DCT-II basis, unnormalised as in scipy's `dct(norm=None)` (up to a factor 2). */
const COS = Float64Array.from({ length: K * N }, (_, i) => Math.cos((Math.PI * Math.floor(i / N) * (2 * (i % N) + 1)) / (2 * N)));
/**
 * A constant image's AC coefficients come out ~1e-12, not 0: coefficients within this of the median are
 * "not greater", so flat and symmetric images get defined bits (on the 0–255 luma scale; real coefficient
 * gaps are orders of magnitude larger).
 */
const EPS = 1e-6;

/**
 * pHash: luma area-averaged to 32×32, 2-D DCT-II, the top-left 8×8 coefficients (DC included, as in
 * ImageHash), bit = coefficient > median of those 64. The DC term is the largest coefficient of any
 * non-negative image, so its bit is 1 for all but black images: kept for ImageHash's layout, it costs one
 * bit of entropy and never adds to a distance.
 */
export function phash64(luma: Uint8Array, width: number, height: number): string {
  const sums = areaSums(luma, width, height, N, N);
  const area = width * height;
  // rows first: R[y][v] = Σx f[y][x]·cos_v(x), then C[u][v] = Σy cos_u(y)·R[y][v]
  const r = new Float64Array(N * K);
  for (let y = 0; y < N; y++) {
    for (let v = 0; v < K; v++) {
      let s = 0;
      for (let x = 0; x < N; x++) s += (sums[y * N + x] / area) * COS[v * N + x];
      r[y * K + v] = s;
    }
  }
  const c = new Float64Array(K * K);
  for (let u = 0; u < K; u++) {
    for (let v = 0; v < K; v++) {
      let s = 0;
      for (let y = 0; y < N; y++) s += COS[u * N + y] * r[y * K + v];
      c[u * K + v] = s;
    }
  }
  const sorted = Float64Array.from(c).sort();
  const median = (sorted[31] + sorted[32]) / 2;
  return bitsToHex(Array.from(c, (x) => x - median > EPS));
}

/**
 * dHash (Krawetz): luma area-averaged to 9×8, bit = pixel brighter than its right neighbour, row by row.
 * The sums share one denominator, so the comparison is exact. (ImageHash's `dhash` compares the other
 * way round: right brighter than left.)
 */
export function dhash64(luma: Uint8Array, width: number, height: number): string {
  const g = areaSums(luma, width, height, 9, 8);
  const bits: boolean[] = [];
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) bits.push(g[y * 9 + x] > g[y * 9 + x + 1]);
  return bitsToHex(bits);
}
