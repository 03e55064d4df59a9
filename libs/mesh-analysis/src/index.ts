export * from './counts.js';
export * from './topology.js';
