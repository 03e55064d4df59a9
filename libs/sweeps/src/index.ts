export * from './schema.js';
export * from './calendar.js';
export * from './baseline.js';
export * from './catalog.js';
export * from './manifest.js';
export * from './state-machine.js';
export * from './sweep-store.js';
