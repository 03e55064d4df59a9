/**
 * WADA-SNR (Kim & Stern, "Robust signal-to-noise ratio estimation based on waveform amplitude distribution
 * analysis", Interspeech 2008): speech amplitude is modelled as Gamma-distributed (shape α = 0.4) in
 * Gaussian noise, and G = log(E|x|) − E(log|x|) is a function of the SNR alone. The table below is that
 * function, G at −20 … 100 dB in 1 dB steps, as circulated in the public Python port of Dan Ellis's
 * `snreval` (MATLAB, LabROSA) — the `g_vals` array of the widely copied `wada_snr(wav)` function. The
 * estimate is read off by linear interpolation, as that function does: the last table entry below G, clamped
 * to [−20, 100] dB.
 */
export const WADA_DB_MIN = -20;
export const WADA_DB_MAX = 100;

export const WADA_G: readonly number[] = [
  0.40974774, 0.40986926, 0.40998566, 0.40969089, 0.40986186, 0.40999006, 0.41027138, 0.41052627, 0.41101024, 0.41143264, 0.41231718,
  0.41337272, 0.41526426, 0.4178192, 0.42077252, 0.42452799, 0.42918886, 0.43510373, 0.44234195, 0.45161485, 0.46221153, 0.47491647,
  0.48883809, 0.50509236, 0.52353709, 0.54372088, 0.56532427, 0.58847532, 0.61346212, 0.63954496, 0.66750818, 0.69583724, 0.72454762,
  0.75414799, 0.78323148, 0.81240985, 0.84219775, 0.87166406, 0.90030504, 0.92880418, 0.95655449, 0.9835349, 1.01047155, 1.0362095,
  1.06136425, 1.08579312, 1.1094819, 1.13277995, 1.15472826, 1.17627308, 1.19703503, 1.21671694, 1.23535898, 1.25364313, 1.27103891,
  1.28718029, 1.30302865, 1.31839527, 1.33294817, 1.34700935, 1.3605727, 1.37345513, 1.38577122, 1.39733504, 1.40856397, 1.41959619,
  1.42983624, 1.43958467, 1.44902176, 1.45804831, 1.46669568, 1.47486938, 1.48269965, 1.49034339, 1.49748214, 1.50435106, 1.51076426,
  1.51698915, 1.5229097, 1.528578, 1.53389835, 1.5391211, 1.5439065, 1.54858517, 1.55310776, 1.55744391, 1.56164927, 1.56566348, 1.56938671,
  1.57307767, 1.57654764, 1.57980083, 1.58304129, 1.58602496, 1.58880681, 1.59162477, 1.5941969, 1.59693155, 1.599446, 1.60185011,
  1.60408668, 1.60627134, 1.60826199, 1.61004547, 1.61192472, 1.61369656, 1.61534074, 1.61688905, 1.61838916, 1.61985374, 1.62135878,
  1.62268119, 1.62390423, 1.62513143, 1.62632463, 1.6274027, 1.62842767, 1.62945532, 1.6303307, 1.63128026, 1.63204102,
];

const EPS = 1e-10;

export interface WadaSnr {
  /** dB, in [−20, 100] */
  snr: number;
  /** log(E|x|) − E(log|x|) of the peak-normalized signal (|x| clamped below at 1e-10) */
  g: number;
  /** G was outside the table: the estimate is clamped to its end */
  clamped: boolean;
}

/**
 * The WADA-SNR estimate of a mono signal. As the reference function: peak-normalize, |x| clamped below at
 * 1e-10, G = log(max(1e-10, mean|x|)) − mean(log|x|), interpolate the table. Digital silence (all zero) has
 * G = 0 and gives the table's floor, −20 dB. (The reference then recomputes the SNR from the signal energy
 * split by that ratio, which returns the same number.)
 */
export function wadaSnr(x: ArrayLike<number>): WadaSnr {
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  const scale = peak > 0 ? 1 / peak : 1;
  let sumAbs = 0;
  let sumLog = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.max(Math.abs(x[i]) * scale, EPS);
    sumAbs += a;
    sumLog += Math.log(a);
  }
  const n = Math.max(x.length, 1);
  const g = Math.log(Math.max(EPS, sumAbs / n)) - sumLog / n;
  let idx = -1;
  for (let i = 0; i < WADA_G.length; i++) if (WADA_G[i] < g) idx = i;
  if (idx < 0) return { snr: WADA_DB_MIN, g, clamped: true };
  if (idx === WADA_G.length - 1) return { snr: WADA_DB_MAX, g, clamped: true };
  const snr = WADA_DB_MIN + idx + (g - WADA_G[idx]) / (WADA_G[idx + 1] - WADA_G[idx]);
  return { snr, g, clamped: false };
}

/**
 * The samples without their digital silence: runs of at least `minRun` consecutive exact zeros are dropped
 * (isolated zeros stay: in quantized noise they are part of the noise). WADA's statistic takes
 * log(max(|x|, 1e-10)), so every exact zero adds log(1e-10) ≈ −23 to E(log|x|): a few percent of zero
 * padding — common in generated speech — push G past the table's end and the estimate to 100 dB whatever
 * the noise in the rest. Padding carries no information about that noise, so it is left out.
 */
export function withoutDigitalSilence(x: Float32Array, minRun: number): { samples: Float32Array; dropped: number } {
  if (minRun < 1) return { samples: x, dropped: 0 };
  const keep = new Float32Array(x.length);
  let kept = 0;
  let i = 0;
  while (i < x.length) {
    if (x[i] !== 0) {
      keep[kept++] = x[i++];
      continue;
    }
    let end = i;
    while (end < x.length && x[end] === 0) end++;
    if (end - i < minRun) for (let k = i; k < end; k++) keep[kept++] = 0;
    i = end;
  }
  return { samples: kept === x.length ? x : keep.slice(0, kept), dropped: x.length - kept };
}
