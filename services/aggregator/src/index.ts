export * from './aggregator-service.js';
export { MAX_MODEL_VERSIONS, QualityMetrics } from './quality-metrics.js';
