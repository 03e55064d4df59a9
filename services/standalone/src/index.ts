export * from './local-redis.js';
