export * from './worker-service.js';
export { boundedSampling } from './inputs/video-input.js';
