export * from './logger.js';
export * from './registry.js';
export * from './ops-server.js';
