export * from './mesh-asset.js';
