export * from './yaml-catalog.js';
