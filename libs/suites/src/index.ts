export * from './schema.js';
export * from './catalog.js';
