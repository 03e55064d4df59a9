export * from './analysis-job.js';
export * from './compare-runs.js';
export * from './in-thread.js';
export * from './read-runs.js';
export * from './run-ref.js';
export * from './run-report.js';
export * from './settings.js';
export * from './reference-sets.js';
