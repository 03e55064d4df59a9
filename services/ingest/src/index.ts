export * from './app.js';
export * from './openapi.js';
export { signHook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@assay/contracts';
