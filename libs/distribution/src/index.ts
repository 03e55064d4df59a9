export * from './moments.js';
export * from './embedding-sample.js';
export * from './embedding-set.js';
export * from './frechet.js';
export * from './gram.js';
export * from './kernel-distances.js';
export * from './prdc.js';
export { symmetricEigenvalues } from './linalg/symmetric-eigenvalues.js';
export { linalgBackend, setLinalgBackend } from './linalg/backend.js';
