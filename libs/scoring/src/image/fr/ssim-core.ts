/**
 * SSIM as scikit-image's `structural_similarity(x, y, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=255)` computes it for one channel: Gaussian-weighted local
 * means, variances and covariance (scipy `gaussian_filter`, truncate 3.5 → an 11-tap window), C1 = (0.01·255)²,
 * C2 = (0.03·255)², float64, and the mean of the SSIM map over the interior (a 5-pixel border cropped).
 * Because of that crop only interior windows count, and they never reach past the image: no border mode
 * is needed, and only the interior is filtered.
 */
export const SIGMA = 1.5;
const TRUNCATE = 3.5;
export const RADIUS = Math.trunc(TRUNCATE * SIGMA + 0.5); // 5
export const WINDOW = 2 * RADIUS + 1; // 11
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** scipy's 1-D Gaussian: exp(−x²/2σ²) over [−r, r], normalised to sum 1. */
function gaussianKernel(): Float64Array {
  const k = new Float64Array(WINDOW);
  let sum = 0;
  for (let i = -RADIUS; i <= RADIUS; i++) sum += k[i + RADIUS] = Math.exp((-0.5 * i * i) / (SIGMA * SIGMA));
  for (let i = 0; i < WINDOW; i++) k[i] /= sum;
  return k;
}
const KERNEL = gaussianKernel();

export interface SsimParts {
  /** mean SSIM over the interior */
  ssim: number;
  /** mean contrast-structure term (2σxy + C2)/(σx² + σy² + C2), for MS-SSIM */
  cs: number;
}

/**
 * SSIM and CS of two same-size single-channel float planes (values in [0, 255]). Needs both sides ≥ 11.
 * Five Gaussian moments are filtered in one horizontal pass (interior columns) and one vertical pass
 * (interior rows), exploiting the kernel's symmetry.
 */
export function ssimParts(x: Float64Array, y: Float64Array, width: number, height: number): SsimParts {
  const ow = width - 2 * RADIUS;
  const oh = height - 2 * RADIUS;
  // horizontal pass: rows × interior columns, 5 moments
  const hx = new Float64Array(height * ow);
  const hy = new Float64Array(height * ow);
  const hxx = new Float64Array(height * ow);
  const hyy = new Float64Array(height * ow);
  const hxy = new Float64Array(height * ow);
  const k0 = KERNEL[RADIUS];
  for (let r = 0; r < height; r++) {
    const row = r * width;
    const out = r * ow;
    for (let c = 0; c < ow; c++) {
      const center = row + c + RADIUS;
      let a = x[center];
      let b = y[center];
      let sx = k0 * a;
      let sy = k0 * b;
      let sxx = k0 * a * a;
      let syy = k0 * b * b;
      let sxy = k0 * a * b;
      for (let t = 1; t <= RADIUS; t++) {
        const w = KERNEL[RADIUS + t];
        a = x[center - t];
        b = y[center - t];
        const a2 = x[center + t];
        const b2 = y[center + t];
        sx += w * (a + a2);
        sy += w * (b + b2);
        sxx += w * (a * a + a2 * a2);
        syy += w * (b * b + b2 * b2);
        sxy += w * (a * b + a2 * b2);
      }
      hx[out + c] = sx;
      hy[out + c] = sy;
      hxx[out + c] = sxx;
      hyy[out + c] = syy;
      hxy[out + c] = sxy;
    }
  }
  // vertical pass over interior rows, accumulating row-wise (cache-friendly), then the SSIM map
  let ssimSum = 0;
  let csSum = 0;
  const mx = new Float64Array(ow);
  const my = new Float64Array(ow);
  const mxx = new Float64Array(ow);
  const myy = new Float64Array(ow);
  const mxy = new Float64Array(ow);
  for (let r = RADIUS; r < height - RADIUS; r++) {
    let base = r * ow;
    for (let c = 0; c < ow; c++) {
      mx[c] = k0 * hx[base + c];
      my[c] = k0 * hy[base + c];
      mxx[c] = k0 * hxx[base + c];
      myy[c] = k0 * hyy[base + c];
      mxy[c] = k0 * hxy[base + c];
    }
    for (let t = 1; t <= RADIUS; t++) {
      const w = KERNEL[RADIUS + t];
      const up = (r - t) * ow;
      base = (r + t) * ow;
      for (let c = 0; c < ow; c++) {
        mx[c] += w * (hx[up + c] + hx[base + c]);
        my[c] += w * (hy[up + c] + hy[base + c]);
        mxx[c] += w * (hxx[up + c] + hxx[base + c]);
        myy[c] += w * (hyy[up + c] + hyy[base + c]);
        mxy[c] += w * (hxy[up + c] + hxy[base + c]);
      }
    }
    for (let c = 0; c < ow; c++) {
      const ux = mx[c];
      const uy = my[c];
      const vx = mxx[c] - ux * ux;
      const vy = myy[c] - uy * uy;
      const vxy = mxy[c] - ux * uy;
      const cs = (2 * vxy + C2) / (vx + vy + C2);
      csSum += cs;
      ssimSum += ((2 * ux * uy + C1) / (ux * ux + uy * uy + C1)) * cs;
    }
  }
  const n = ow * oh;
  return { ssim: ssimSum / n, cs: csSum / n };
}

/** The three channels of interleaved 8-bit RGB as float planes. */
export function rgbPlanes(rgb: Uint8Array, pixels: number): [Float64Array, Float64Array, Float64Array] {
  const planes: [Float64Array, Float64Array, Float64Array] = [new Float64Array(pixels), new Float64Array(pixels), new Float64Array(pixels)];
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    planes[0][i] = rgb[j];
    planes[1][i] = rgb[j + 1];
    planes[2][i] = rgb[j + 2];
  }
  return planes;
}

/** 2×2 box average; an odd last row or column is dropped. */
export function downsample2(p: Float64Array, width: number, height: number): { plane: Float64Array; width: number; height: number } {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Float64Array(w * h);
  for (let r = 0; r < h; r++) {
    const a = 2 * r * width;
    const b = a + width;
    for (let c = 0; c < w; c++) out[r * w + c] = 0.25 * (p[a + 2 * c] + p[a + 2 * c + 1] + p[b + 2 * c] + p[b + 2 * c + 1]);
  }
  return { plane: out, width: w, height: h };
}
