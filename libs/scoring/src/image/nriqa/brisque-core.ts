/**
 * BRISQUE as OpenCV contrib's `QualityBRISQUE` computes it (modules/quality/src/qualitybrisque.cpp): luma
 * scaled to [0, 1] in float32, two scales (the image, and a cubic resize to half), MSCN coefficients, AGGD
 * fits of them and of four neighbour products, then the range scaling and the RBF SVR. Images are float32
 * and every rounding step OpenCV takes is repeated (Math.fround), so the features match bit for bit on
 * x86-64; the moment sums are float64 in row-major order, as in OpenCV's loop.
 */
import { AggdMoments, opencvGammaSearch } from './aggd.js';
import type { BrisqueModel } from './brisque-model.js';
import { gamma } from './gamma.js';
import { blurPairOpenCv32, gaussian7 } from './gaussian.js';
import { resizeCubicOpenCv } from './opencv-resize.js';

const f = Math.fround;
const KERNEL = Float32Array.from(gaussian7());
const INV_255 = f(1 / 255);
/** cv::Mat::convertTo(CV_32F, 1/255) of each 8-bit value */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => f(v * INV_255));

/** MSCN ("structdis"): (I − μ) / (√(blur(I²) − μ²) + 1/255), NaN where float32 makes the variance negative. */
export function mscnOpenCv(img: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  blurPairOpenCv32(img, w, h, KERNEL, (y, mu, blurSq) => {
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const m = mu[x];
      const sigma = f(f(Math.sqrt(f(blurSq[x] - f(m * m)))) + INV_255);
      out[o + x] = f(f(img[o + x] - m) / sigma);
    }
  });
  return out;
}

/** The 18 features of one scale: AGGD of the MSCN map, then of each neighbour product. */
function scaleFeatures(img: Float32Array, w: number, h: number, into: Float32Array, at: number): void {
  const sd = mscnOpenCv(img, w, h);
  const plain = new AggdMoments();
  // products with the neighbour at (row, col) offset (0, 1), (1, 0), (1, 1), (−1, 1), in that feature order
  const pairs = Array.from({ length: 4 }, () => new AggdMoments());
  const [right, down, diag, anti] = pairs;
  for (let y = 0; y < h; y++) {
    const hasDown = y + 1 < h;
    const hasUp = y > 0;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = sd[i];
      const hasRight = x + 1 < w;
      plain.add(v);
      // out-of-image neighbours are 0, so the product is 0 (or NaN for a NaN coefficient)
      right.add(f(v * (hasRight ? sd[i + 1] : 0)));
      down.add(f(v * (hasDown ? sd[i + w] : 0)));
      diag.add(f(v * (hasDown && hasRight ? sd[i + w + 1] : 0)));
      anti.add(f(v * (hasUp && hasRight ? sd[i - w + 1] : 0)));
    }
  }
  const m = plain.fit();
  into[at] = f(opencvGammaSearch(m.rhatnorm));
  into[at + 1] = f(f(m.left * m.left + m.right * m.right) / 2);
  pairs.forEach((p, s) => {
    const fit = p.fit();
    const g = opencvGammaSearch(fit.rhatnorm);
    const constant = Math.sqrt(gamma(1 / g)) / Math.sqrt(gamma(3 / g));
    const meanparam = (fit.right - fit.left) * (gamma(2 / g) / gamma(1 / g)) * constant;
    const o = at + 2 + s * 4;
    into[o] = f(g);
    into[o + 1] = f(meanparam);
    into[o + 2] = f(fit.left * fit.left);
    into[o + 3] = f(fit.right * fit.right);
  });
}

/** The 36 BRISQUE features of an 8-bit luma image (OpenCV's cvtColor BGR2GRAY), NaN where undefined. */
export function brisqueFeatures(luma: Uint8Array, w: number, h: number): Float32Array {
  if (w < 2 || h < 2) throw new RangeError(`BRISQUE needs at least 2×2 pixels, got ${w}×${h}`);
  const img = new Float32Array(w * h);
  for (let i = 0; i < img.length; i++) img[i] = UNIT[luma[i]];
  const features = new Float32Array(36);
  scaleFeatures(img, w, h, features, 0);
  const w2 = Math.trunc(w / 2);
  const h2 = Math.trunc(h / 2);
  scaleFeatures(resizeCubicOpenCv(img, w, h, w2, h2), w2, h2, features, 18);
  return features;
}

// cv::exp for float (mathfuncs_core): 2^(k + j/64) from a table times a degree-4 polynomial, in float32 with
// FMA. The SVR sums 774 kernel values weighted by ±1024, so exp's last-bit behaviour shows in the score.
/* eslint-disable no-loss-of-precision -- OpenCV's constants digit for digit; the nearest doubles are what it uses */
const EXP_A0 = 0.9670371139572337719125840413672004409288e-2;
const EXP_A4 = f(1.000000000000002438532970795181890933776 / EXP_A0);
const EXP_A3 = f(0.6931471805521448196800669615864773144641 / EXP_A0);
const EXP_A2 = f(0.2402265109513301490103372422686535526573 / EXP_A0);
const EXP_A1 = f(0.5550339366753125211915322047004666939128e-1 / EXP_A0);
const EXP_PRESCALE = f(1.4426950408889634073599246810019 * 64);
const EXP_MAX = f((3000 * 64) / (1.4426950408889634073599246810019 * 64));
/* eslint-enable no-loss-of-precision */
const EXP_TAB = Float32Array.from({ length: 64 }, (_, i) => Math.pow(2, i / 64) * EXP_A0);

/** cv::exp of a float32 value, bit for bit (checked against OpenCV 4.6.0 on x86-64 with FMA). */
export function expOpenCv32(x: number): number {
  let v = f(Math.min(Math.max(x, -EXP_MAX), EXP_MAX) * EXP_PRESCALE);
  const xi = roundHalfEven(v);
  v = f(f(v - xi) * (1 / 64));
  const t = Math.min(Math.max((xi >> 6) + 127, 0), 255);
  const y = t === 0 ? 0 : f(Math.pow(2, t - 127) * EXP_TAB[xi & 63]); // exponent bits 0 read as +0
  let z = f(v + EXP_A1);
  z = f(z * v + EXP_A2);
  z = f(z * v + EXP_A3);
  z = f(z * v + EXP_A4);
  return f(y * z);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) === 1 ? r - 1 : r;
}

/** Range scaling to [−1, 1] and the RBF SVR of `cv::ml::SVM::predict`, clamped to [0, 100] like OpenCV. */
export function brisqueScore(features: Float32Array, model: BrisqueModel): number {
  const n = model.varCount;
  if (features.length !== n) throw new RangeError(`BRISQUE model expects ${n} features, got ${features.length}`);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // quality_utils::scale in float: min + (max − min)·(v − lo)/(hi − lo)
    x[i] = f(-1 + f(f(2 * f(features[i] - model.rangeMin[i])) / f(model.rangeMax[i] - model.rangeMin[i])));
  }
  const sv = model.supportVectors;
  let sum = -model.rho;
  for (let j = 0; j < model.svCount; j++) {
    const o = j * n;
    let s = 0;
    let k = 0;
    for (; k + 4 <= n; k += 4) {
      let t0 = f(sv[o + k] - x[k]);
      let t1 = f(sv[o + k + 1] - x[k + 1]);
      s += t0 * t0 + t1 * t1;
      t0 = f(sv[o + k + 2] - x[k + 2]);
      t1 = f(sv[o + k + 3] - x[k + 3]);
      s += t0 * t0 + t1 * t1;
    }
    for (; k < n; k++) {
      const t0 = f(sv[o + k] - x[k]);
      s += t0 * t0;
    }
    sum += model.alpha[j] * expOpenCv32(f(s * -model.gamma));
  }
  return Math.min(Math.max(f(sum), 0), 100);
}
