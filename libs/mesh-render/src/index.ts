export * from './chromium.js';
export * from './contact-sheet.js';
export * from './mesh-renderer.js';
export type { RequestListener } from './page-routes.js';
export * from './render-error.js';
export * from './renderer-info.js';
