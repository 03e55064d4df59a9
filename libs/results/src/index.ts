export * from './result-parts.js';
