export * from './schema.js';
export * from './config.js';
export * from './api-key-file.js';
