/**
 * NIQE after BasicSR's `basicsr/metrics/niqe.py` (`calculate_niqe(img, 0, 'HWC', 'y')`): the MATLAB-style Y
 * channel rounded to integers, cropped to whole 96×96 blocks, MSCN with SciPy's 'nearest' 7×7 Gaussian, 18
 * AGGD features per block at two scales (the second from MATLAB-style bicubic `imresize` by ½), then the
 * distance between the blocks' Gaussian (nanmean, `np.cov`) and the pristine one through a pseudo-inverse.
 * Intermediate images are float32 like BasicSR's numpy arrays; sums are float64.
 */
import { AggdMoments, numpyGammaSearch } from './aggd.js';
import { gamma } from './gamma.js';
import { blurPairNearest, gaussian7 } from './gaussian.js';
import { pinvSymmetric } from './linalg.js';
import { imresizeMatlab } from './matlab-imresize.js';
import { NIQE_FEATURES, type NiqeParams } from './niqe-params.js';

const f = Math.fround;
export const NIQE_BLOCK = 96;
const WINDOW = gaussian7();
/** v/255 in float32, per 8-bit value */
const UNIT = Float64Array.from({ length: 256 }, (_, v) => f(v / 255));

/** numpy's round() of a value in [0, 2³¹): half to even */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) === 1 ? r - 1 : r;
}

/**
 * BasicSR `to_y_channel` of 8-bit RGB, then `.round()` (half to even): per channel v/255 in float32,
 * Y = 24.966·B + 128.553·G + 65.481·R + 16 in float64, /255 stored as float32, ·255 in float32. 194 colours
 * give exactly k + ½ (numpy rounds them to even), so the float32 steps are repeated as numpy takes them.
 */
export function matlabY(rgb: Uint8Array, width: number, height: number, cropW = width, cropH = height): Float32Array {
  const out = new Float32Array(cropW * cropH);
  for (let r = 0; r < cropH; r++) {
    for (let c = 0, i = r * cropW, j = r * width * 3; c < cropW; c++, i++, j += 3) {
      const y = UNIT[rgb[j + 2]] * 24.966 + UNIT[rgb[j + 1]] * 128.553 + UNIT[rgb[j]] * 65.481 + 16.0;
      out[i] = roundHalfEven(f(f(y / 255) * 255));
    }
  }
  return out;
}

/** (img − μ) / (σ + 1) with μ, σ from the 7×7 window, all float32 as numpy computes it. */
function mscnNearest(img: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  blurPairNearest(img, w, h, WINDOW, (y, mu, blurSq) => {
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const m = mu[x];
      const sigma = f(Math.sqrt(Math.abs(f(blurSq[x] - f(m * m)))));
      out[o + x] = f(f(img[o + x] - m) / f(sigma + 1));
    }
  });
  return out;
}

function aggdParams(m: AggdMoments): { alpha: number; betaL: number; betaR: number } {
  const { left, right, rhatnorm } = m.fit();
  const alpha = numpyGammaSearch(rhatnorm);
  const c = Math.sqrt(gamma(1 / alpha) / gamma(3 / alpha));
  return { alpha, betaL: left * c, betaR: right * c };
}

/** `compute_feature` of the b×b block at (bx, by) of the MSCN map; products use np.roll (wrap-around). */
function blockFeatures(
  mscn: Float32Array,
  stride: number,
  bx: number,
  by: number,
  b: number,
  into: Float64Array,
  at: number,
  m: AggdMoments[],
): void {
  for (const mm of m) mm.reset();
  const [plain, s01, s10, s11, s1m1] = m;
  for (let r = 0; r < b; r++) {
    const row = (by + r) * stride + bx;
    const up = (by + (r === 0 ? b - 1 : r - 1)) * stride + bx; // np.roll by 1 along rows: element (r, c) sees (r − 1, c)
    for (let c = 0; c < b; c++) {
      const v = mscn[row + c];
      const left = c === 0 ? b - 1 : c - 1;
      const rightC = c === b - 1 ? 0 : c + 1;
      plain.add(v);
      s01.add(f(v * mscn[row + left]));
      s10.add(f(v * mscn[up + c]));
      s11.add(f(v * mscn[up + left]));
      s1m1.add(f(v * mscn[up + rightC]));
    }
  }
  const p = aggdParams(plain);
  into[at] = p.alpha;
  into[at + 1] = (p.betaL + p.betaR) / 2;
  [s01, s10, s11, s1m1].forEach((mm, s) => {
    const q = aggdParams(mm);
    const o = at + 2 + s * 4;
    into[o] = q.alpha;
    into[o + 1] = (q.betaR - q.betaL) * (gamma(2 / q.alpha) / gamma(1 / q.alpha));
    into[o + 2] = q.betaL;
    into[o + 3] = q.betaR;
  });
}

export interface NiqeResult {
  score: number;
  blocks: number;
  /** blocks whose 36 features are all defined (they make the covariance) */
  completeBlocks: number;
}

/** Why NIQE has no value for an input, or undefined when it has one. */
export function niqeInapplicable(w: number, h: number): string | undefined {
  if (w < NIQE_BLOCK || h < NIQE_BLOCK) return `NIQE needs at least one ${NIQE_BLOCK}×${NIQE_BLOCK} block; the image is ${w}×${h}`;
  return undefined;
}

/**
 * The per-block feature matrix (blocks × 36, row-major; BasicSR's block order: columns of blocks, top to
 * bottom), or the reason it does not exist.
 */
export function niqeFeatures(rgb: Uint8Array, width: number, height: number): { feats: Float64Array; blocks: number } | { error: string } {
  const tooSmall = niqeInapplicable(width, height);
  if (tooSmall) return { error: tooSmall };
  const nbh = Math.floor(height / NIQE_BLOCK);
  const nbw = Math.floor(width / NIQE_BLOCK);
  const h = nbh * NIQE_BLOCK;
  const w = nbw * NIQE_BLOCK;
  let img = matlabY(rgb, width, height, w, h);

  const blocks = nbh * nbw;
  const feats = new Float64Array(blocks * NIQE_FEATURES);
  const moments = Array.from({ length: 5 }, () => new AggdMoments());
  let iw = w;
  let ih = h;
  for (const scale of [1, 2]) {
    const mscn = mscnNearest(img, iw, ih);
    const b = NIQE_BLOCK / scale;
    let k = 0;
    for (let bw = 0; bw < nbw; bw++) {
      for (let bh = 0; bh < nbh; bh++, k++)
        blockFeatures(mscn, iw, bw * b, bh * b, b, feats, k * NIQE_FEATURES + (scale - 1) * 18, moments);
    }
    if (scale === 1) {
      const unit = new Float32Array(img.length);
      for (let i = 0; i < img.length; i++) unit[i] = f(img[i] / 255);
      const half = imresizeMatlab(unit, iw, ih, 0.5);
      img = half.data;
      for (let i = 0; i < img.length; i++) img[i] = f(img[i] * 255);
      iw = half.width;
      ih = half.height;
    }
  }
  return { feats, blocks };
}

/** NIQE of 8-bit RGB, or why it is undefined (too small; fewer than two blocks with every feature defined). */
export function niqe(rgb: Uint8Array, width: number, height: number, params: NiqeParams): NiqeResult | { error: string } {
  const r = niqeFeatures(rgb, width, height);
  return 'error' in r ? r : niqeDistance(r.feats, r.blocks, params);
}

/** nanmean, np.cov of the complete rows, pinv((Σp + Σd)/2), √(dᵀ·P·d). */
export function niqeDistance(feats: Float64Array, nBlocks: number, params: NiqeParams): NiqeResult | { error: string } {
  const d = NIQE_FEATURES;
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    let c = 0;
    for (let i = 0; i < nBlocks; i++) {
      const v = feats[i * d + j];
      if (!Number.isNaN(v)) {
        s += v;
        c++;
      }
    }
    if (c === 0) return { error: `NIQE feature ${j} is undefined in every block (flat image?)` };
    mean[j] = s / c;
  }
  const complete: number[] = [];
  for (let i = 0; i < nBlocks; i++) {
    let ok = true;
    for (let j = 0; j < d && ok; j++) ok = !Number.isNaN(feats[i * d + j]);
    if (ok) complete.push(i);
  }
  const n = complete.length;
  if (n < 2) return { error: `NIQE needs at least two blocks with defined features for the covariance; this image has ${n} of ${nBlocks}` };
  const avg = new Float64Array(d);
  for (const i of complete) for (let j = 0; j < d; j++) avg[j] += feats[i * d + j];
  for (let j = 0; j < d; j++) avg[j] /= n;
  const centred = new Float64Array(n * d);
  complete.forEach((i, r) => {
    for (let j = 0; j < d; j++) centred[r * d + j] = feats[i * d + j] - avg[j];
  });
  const pooled = new Float64Array(d * d);
  const scale = 1 / (n - 1);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += centred[r * d + a] * centred[r * d + b];
      const cov = s * scale;
      pooled[a * d + b] = pooled[b * d + a] = (params.cov[a * d + b] + cov) / 2;
    }
  }
  const inv = pinvSymmetric(pooled, d);
  const diff = new Float64Array(d);
  for (let j = 0; j < d; j++) diff[j] = params.mu[j] - mean[j];
  let q = 0;
  for (let a = 0; a < d; a++) {
    let s = 0;
    for (let b = 0; b < d; b++) s += inv[a * d + b] * diff[b];
    q += diff[a] * s;
  }
  if (!(q >= 0) || !Number.isFinite(q)) return { error: `NIQE distance is undefined (quadratic form ${q})` };
  return { score: Math.sqrt(q), blocks: nBlocks, completeBlocks: n };
}
