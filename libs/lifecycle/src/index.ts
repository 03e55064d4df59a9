export * from './shutdown.js';
export * from './run-ops-service.js';
export * from './consumer-settings.js';
