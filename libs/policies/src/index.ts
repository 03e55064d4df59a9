export * from './schema.js';
export * from './catalog.js';
export * from './criteria.js';
