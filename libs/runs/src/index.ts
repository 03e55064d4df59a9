export * from './keys.js';
export * from './run-store.js';
