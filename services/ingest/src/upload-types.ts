/**
 * Content types an upload (`PUT …/content`) may have: read as raw bytes, documented in the OpenAPI request body.
 * `model/*` and `application/zip` are 3D assets (a .zip bundles a glTF or OBJ with its files).
 */
export const UPLOAD_CONTENT_TYPES = ['application/octet-stream', 'image/*', 'video/*', 'audio/*', 'model/*', 'application/zip'];
