export * from './object-store.js';
export * from './s3-object-store.js';
export * from './embedded-s3.js';
