export * from './counts.js';
export * from './geometry.js';
export * from './materials.js';
export * from './size-ranges.js';
export * from './texels.js';
export * from './topology.js';
export * from './uv.js';
export type { WeightedSummary } from './weighted-stats.js';
