export * from './types.js';
export * from './json-schema.js';
export * from './answer.js';
export * from './backoff.js';
export * from './rate-limit.js';
export * from './judge-metrics.js';
export * from './chat-judge-client.js';
export * from './factory.js';
