export * from './image-decode.js';
