export * from './run-metric.js';
export * from './registry.js';
export * from './pairing.js';
export * from './compute.js';
