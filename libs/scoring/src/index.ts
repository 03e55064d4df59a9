export * from './metric.js';
export * from './registry.js';
export * from './evaluate.js';
export * from './checks.js';
export * from './models.js';
export * from './image/pixels.js';
export * from './ocr/index.js';
export { laplacianVariance } from './image/metrics/sharpness.js';
export { colorfulness } from './image/metrics/colorfulness.js';
