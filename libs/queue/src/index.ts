export * from './redis.js';
export * from './queues.js';
export * from './depth-metrics.js';
export * from './base-worker.js';
export { UnrecoverableError, type Job, type Queue } from 'bullmq';
export * from './redis-errors.js';
