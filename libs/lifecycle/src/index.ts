export * from './shutdown.js';
export * from './run-ops-service.js';
