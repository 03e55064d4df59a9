import { readImageHeader } from './image-header.js';
import { checkLimit } from './limits.js';
import type { MeshTexture } from './mesh-asset.js';

const BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  ktx2: 'image/ktx2',
};

function mimeTypeOf(path: string): string | undefined {
  return BY_EXTENSION[/\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? ''];
}

/**
 * A texture with its size from the image header. An image that cannot be read keeps the asset readable (its
 * `problem` says why, texture metrics report it); one with more pixels than allowed is refused (mesh_too_large).
 */
export function describeTexture(bytes: Uint8Array, maxPixels: number, name?: string, declaredMimeType?: string): MeshTexture {
  const header = readImageHeader(bytes);
  const texture: MeshTexture = {
    mimeType: header?.mimeType ?? declaredMimeType ?? (name && mimeTypeOf(name)) ?? 'application/octet-stream',
    width: header?.width ?? 0,
    height: header?.height ?? 0,
    bytes,
  };
  if (name) texture.name = name;
  if (!header) texture.problem = `${bytes.length ? 'not a PNG, JPEG, WebP or KTX2 image' : 'an empty image'}${name ? ` (${name})` : ''}`;
  else checkLimit(`texture${name ? ` "${name}"` : ''} pixels (${header.width}×${header.height})`, header.width * header.height, maxPixels);
  return texture;
}
