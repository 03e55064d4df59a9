export * from './worker-service.js';
