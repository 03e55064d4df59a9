/**
 * Asymmetric generalised Gaussian fits (Mittal et al.): moments of a coefficient sample, then the shape γ
 * whose r(γ) = Γ(2/γ)² / (Γ(1/γ)·Γ(3/γ)) is closest to the normalised moment ratio. OpenCV's BRISQUE and
 * BasicSR's NIQE search the same 0.001-step grid but differently; each variant is reproduced exactly.
 */
import { gamma } from './gamma.js';

/** Running sums of one sample: Σx² and counts on each side of zero, Σ|x|, and the sample size. */
export class AggdMoments {
  negCount = 0;
  posCount = 0;
  negSq = 0;
  posSq = 0;
  absSum = 0;
  total = 0;

  reset(): this {
    this.negCount = this.posCount = this.negSq = this.posSq = this.absSum = this.total = 0;
    return this;
  }

  /**
   * NaN counts towards `total` only, as in OpenCV's loop (neither > 0 nor < 0). Branch-free on the sign
   * (random signs defeat branch prediction); adding exact zeros leaves the float64 sums identical to the
   * if/else version.
   */
  add(x: number): void {
    this.total++;
    const s = x * x;
    if (s !== s) return;
    const pos = +(x > 0);
    const neg = +(x < 0);
    this.posCount += pos;
    this.negCount += neg;
    this.posSq += pos * s;
    this.negSq += neg * s;
    this.absSum += Math.abs(x);
  }

  /** σ_l, σ_r and the normalised ratio r̂ of the fit; NaN when a side is empty. */
  fit(): { left: number; right: number; rhatnorm: number } {
    const left = Math.sqrt(this.negSq / this.negCount);
    const right = Math.sqrt(this.posSq / this.posCount);
    const gh = left / right;
    const rhat = Math.pow(this.absSum / this.total, 2) / ((this.negSq + this.posSq) / this.total);
    const rhatnorm = (rhat * (Math.pow(gh, 3) + 1) * (gh + 1)) / Math.pow(Math.pow(gh, 2) + 1, 2);
    return { left, right, rhatnorm };
  }
}

export function rOfGamma(g: number): number {
  const g2 = gamma(2 / g);
  return (g2 * g2) / (gamma(1 / g) * gamma(3 / g));
}

let opencvGrid: { gam: Float64Array; r: Float64Array } | undefined;

/**
 * OpenCV `AGGDfit`: `for (gam = 0.2; gam < 10; gam += 0.001)` (accumulated, not multiplied), stop at the
 * first increase of |r(gam) − r̂| and keep the previous gam. A NaN r̂ never stops it: the last gam wins.
 */
export function opencvGammaSearch(rhatnorm: number): number {
  if (!opencvGrid) {
    const gam: number[] = [];
    for (let g = 0.2; g < 10; g += 0.001) gam.push(g);
    opencvGrid = { gam: Float64Array.from(gam), r: Float64Array.from(gam, rOfGamma) };
  }
  const { gam, r } = opencvGrid;
  let prevGamma = 0;
  let prevDiff = 1e10;
  for (let i = 0; i < gam.length; i++) {
    const diff = Math.abs(r[i] - rhatnorm);
    if (diff > prevDiff) break;
    prevDiff = diff;
    prevGamma = gam[i];
  }
  return prevGamma;
}

let numpyGrid: { gam: Float64Array; r: Float64Array } | undefined;

/**
 * BasicSR `estimate_aggd_param`: `gam = np.arange(0.2, 10.001, 0.001)`, `argmin((r_gam − r̂)²)` — the first
 * minimum; an all-NaN distance (NaN r̂) gives index 0. r(γ) increases along the grid, so a binary search
 * finds the crossing and its two neighbours decide.
 */
export function numpyGammaSearch(rhatnorm: number): number {
  if (!numpyGrid) {
    // np.arange fills start + i·delta with delta = (start + step) − start
    const n = Math.ceil((10.001 - 0.2) / 0.001);
    const delta = 0.2 + 0.001 - 0.2;
    const gam = new Float64Array(n);
    for (let i = 0; i < n; i++) gam[i] = i === 0 ? 0.2 : i === 1 ? 0.2 + 0.001 : 0.2 + i * delta;
    const r = Float64Array.from(gam, (g) => {
      const rec = 1 / g; // np.reciprocal, then gamma(rec·2)², gamma(rec), gamma(rec·3)
      const g2 = gamma(rec * 2);
      return (g2 * g2) / (gamma(rec) * gamma(rec * 3));
    });
    for (let i = 1; i < n; i++) if (!(r[i] > r[i - 1])) throw new Error('r(γ) is not increasing on the grid');
    numpyGrid = { gam, r };
  }
  const { gam, r } = numpyGrid;
  if (Number.isNaN(rhatnorm)) return gam[0];
  let lo = 0;
  let hi = r.length; // first index with r >= rhatnorm
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r[mid] < rhatnorm) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return gam[0];
  if (lo === r.length) return gam[r.length - 1];
  const below = (r[lo - 1] - rhatnorm) ** 2;
  const above = (r[lo] - rhatnorm) ** 2;
  return below <= above ? gam[lo - 1] : gam[lo];
}
