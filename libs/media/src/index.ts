export * from './image-decode.js';
export * from './media-types.js';
