export * from './ddsketch.js';
export * from './near-duplicates.js';
export * from './run-aggregates.js';
export * from './summary.js';
