/** Content types an upload (`PUT …/content`) may have: read as raw bytes, documented in the OpenAPI request body. */
export const UPLOAD_CONTENT_TYPES = ['application/octet-stream', 'image/*', 'video/*', 'audio/*', 'model/*'];
