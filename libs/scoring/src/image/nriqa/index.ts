/** Numerics shared by the no-reference metrics (BRISQUE, NIQE); re-exported for tests and benchmarks. */
export * from './aggd.js';
export * from './brisque-core.js';
export * from './brisque-model.js';
export * from './gamma.js';
export * from './gaussian.js';
export * from './linalg.js';
export * from './mat5.js';
export * from './matlab-imresize.js';
export * from './niqe-core.js';
export * from './niqe-params.js';
export * from './opencv-resize.js';
export * from './opencv-yaml.js';
