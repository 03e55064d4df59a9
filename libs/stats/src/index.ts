export * from './errors.js';
export { erf, erfc, normalCdf, normalIsf, normalQuantile, normalSf } from './distributions/normal.js';
export { betaIsf, betaQuantile, regularizedBeta, regularizedBetaComplement } from './distributions/beta.js';
export { studentTCdf, studentTIsf, studentTQuantile, studentTSf } from './distributions/student-t.js';
export { binomialCdf, binomialSf } from './distributions/binomial.js';
export { chiSquareCdf, chiSquareSf, regularizedGammaP, regularizedGammaQ } from './distributions/chi-square.js';
export { gamma as gammaFunction, lbeta as logBeta, lgamma as logGamma } from './special/gamma.js';
export { createRng, type Rng } from './rng.js';
export { quantile, quantileInterval } from './quantile.js';
export { type BootstrapEstimate, type BootstrapMethod, type BootstrapOptions } from './bootstrap/interval.js';
export { bootstrapMeanDifferences, bootstrapMeans } from './bootstrap/means.js';
export { bootstrapQuantileRatio, type QuantileRatioOptions } from './bootstrap/quantile-ratio.js';
export { pairedTTest, welchTTest, type TTestResult } from './tests/t-tests.js';
export { mannWhitneyU, type RankTestResult } from './tests/mann-whitney.js';
export { wilcoxonSignedRank } from './tests/wilcoxon.js';
export { benjaminiHochberg, holm } from './multiple-testing.js';
export { cohensDz, hedgesG } from './effect-sizes.js';
export {
  clopperPearsonInterval,
  clopperPearsonUpper,
  newcombeDiffInterval,
  newcombePairedDiffInterval,
  wilsonInterval,
} from './intervals/proportions.js';
