export * from './suites.js';
