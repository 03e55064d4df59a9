export * from './manifest.js';
export * from './manifest-files.js';
export * from './verify.js';
export * from './model-registry.js';
export * from './resolve-model.js';
export * from './preprocess.js';
export * from './model-kit.js';
export * from './model-directory.js';
