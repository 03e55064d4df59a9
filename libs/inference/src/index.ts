export * from './protocol.js';
export * from './host.js';
