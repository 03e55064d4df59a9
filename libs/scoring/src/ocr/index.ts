// The OCR building blocks, for tests and tools; metrics import the modules directly.
export * from './classify.js';
export * from './crop.js';
export * from './ctc.js';
export * from './db-postprocess.js';
export * from './detect.js';
export * from './expected-text.js';
export * from './geometry.js';
export * from './layout.js';
export * from './read-text.js';
export * from './recognize.js';
export * from './text-compare.js';
export * from './unclip.js';
