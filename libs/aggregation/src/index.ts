export * from './ddsketch.js';
export * from './run-aggregates.js';
export * from './summary.js';
