export * from './keys.js';
export * from './run-store.js';
export * from './redis-lock.js';
export * from './run-index.js';
export * from './comparison-store.js';
