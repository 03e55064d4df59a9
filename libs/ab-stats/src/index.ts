export { AbStatsError, type AbStatsErrorCode } from './errors.js';
export { sampleRatioMismatch, type SrmResult } from './srm.js';
export { compareMetric, type ArmData, type ArmSummary, type DifferenceEstimate, type MetricComparison } from './compare.js';
export { nonInferiority, type NonInferiority } from './non-inferiority.js';
export { confidenceSequence, mixingVariance, type SequentialLook, type SequentialResult } from './sequential.js';
export { mdeForSampleSize, powerFor, sampleSizeForMde } from './planning.js';
