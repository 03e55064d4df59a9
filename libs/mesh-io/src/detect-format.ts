import { AssayError, ErrorCode } from '@assay/contracts';
import type { MeshFormat } from './mesh-asset.js';

export type DetectedFormat = MeshFormat | 'zip';

const BY_EXTENSION: Record<string, DetectedFormat> = {
  glb: 'glb',
  gltf: 'gltf',
  obj: 'obj',
  stl: 'stl',
  ply: 'ply',
  zip: 'zip',
};

const BY_CONTENT_TYPE: Record<string, DetectedFormat> = {
  'model/gltf-binary': 'glb',
  'model/gltf+json': 'gltf',
  'model/obj': 'obj',
  'model/stl': 'stl',
  'application/sla': 'stl',
  'application/ply': 'ply',
  'model/ply': 'ply',
  'application/zip': 'zip',
  'application/x-zip-compressed': 'zip',
};

function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** A binary STL is 80 header bytes, a triangle count and 50 bytes per triangle: the size proves it. */
export function isBinaryStl(bytes: Uint8Array): boolean {
  if (bytes.length < 84) return false;
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
  return 84 + 50 * count === bytes.length;
}

function sniff(bytes: Uint8Array): DetectedFormat | undefined {
  if (startsWith(bytes, 'glTF')) return 'glb';
  if (startsWith(bytes, 'PK\x03\x04') || startsWith(bytes, 'PK\x05\x06')) return 'zip';
  if (startsWith(bytes, 'ply\n') || startsWith(bytes, 'ply\r\n')) return 'ply';
  // many binary STL headers start with "solid" too, so the size check comes first
  if (isBinaryStl(bytes)) return 'stl';
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 256)).trimStart();
  if (/^solid(\s|$)/.test(head)) return 'stl';
  // glTF JSON names its "asset" (required) near the top; TextDecoder drops a byte order mark
  const json = new TextDecoder().decode(bytes.subarray(0, 64 * 1024));
  if (/^\s*\{/.test(json) && /"asset"\s*:/.test(json)) return 'gltf';
  return undefined;
}

function extensionOf(filename: string | undefined): string | undefined {
  const match = filename && /\.([A-Za-z0-9]+)$/.exec(filename);
  return match ? match[1].toLowerCase() : undefined;
}

/** The format from magic bytes first, then the filename's extension, then the content type. */
export function detectMeshFormat(bytes: Uint8Array, filename?: string, contentType?: string): DetectedFormat {
  const ext = extensionOf(filename);
  const type = contentType?.split(';')[0].trim().toLowerCase();
  const format = sniff(bytes) ?? (ext && BY_EXTENSION[ext]) ?? (type && BY_CONTENT_TYPE[type]);
  if (format) return format;
  throw new AssayError(
    ErrorCode.UnsupportedMeshFormat,
    `${filename ?? 'the asset'}${type ? ` (${type})` : ''} is not a supported 3D format: send .glb, .gltf, .obj, .ply, .stl or a .zip bundle of one`,
  );
}
