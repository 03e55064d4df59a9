import { AssayError, ErrorCode } from '@assay/contracts';

export interface MeshLimits {
  /** the upload's (or the bundle's compressed) size */
  maxBytes: number;
  /** checked from headers and accessor counts before parsing */
  maxVertices: number;
  maxTriangles: number;
  /** per texture, from the image header */
  maxTexturePixels: number;
  /** parsing runs in a worker thread, terminated after this long (mesh_parse_timeout) */
  parseTimeoutMs: number;
  bundle: { maxEntries: number; maxUncompressedBytes: number; maxCompressionRatio: number };
}

export const DEFAULT_MESH_LIMITS: MeshLimits = {
  maxBytes: 200 * 1024 * 1024,
  maxVertices: 5_000_000,
  maxTriangles: 5_000_000,
  maxTexturePixels: 16384 * 16384,
  parseTimeoutMs: 60_000,
  bundle: { maxEntries: 512, maxUncompressedBytes: 512 * 1024 * 1024, maxCompressionRatio: 100 },
};

/** Refuses `value` above `limit` with a message naming both, so the user knows what to reduce. */
export function checkLimit(what: string, value: number, limit: number): void {
  if (value > limit) throw new AssayError(ErrorCode.MeshTooLarge, `${what}: ${value} exceeds the limit of ${limit}`);
}

export function unreadable(message: string): AssayError {
  return new AssayError(ErrorCode.MeshUnreadable, message);
}
