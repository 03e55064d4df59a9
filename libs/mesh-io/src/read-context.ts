import type { MeshLimits } from './limits.js';
import type { ResourceResolver } from './resources.js';

/** What every format reader gets besides the main file's bytes. */
export interface ReadContext {
  /** the main file's name, for messages (the bundle path inside a .zip) */
  name: string;
  /** metres per source unit (OBJ, PLY, STL) */
  unitScale: number;
  limits: MeshLimits;
  resources: ResourceResolver;
  /** the main file's directory inside the bundle ('' for a single file), against which relative URIs resolve */
  base: string;
}

export function sequence(count: number): Uint32Array {
  const indices = new Uint32Array(count);
  for (let i = 0; i < count; i++) indices[i] = i;
  return indices;
}

export function scaled(positions: Float32Array, unitScale: number): Float32Array {
  if (unitScale !== 1) for (let i = 0; i < positions.length; i++) positions[i] *= unitScale;
  return positions;
}

/** Text files of unknown origin: a UTF-16 byte order mark is honoured, invalid UTF-8 read as Latin-1 (old exporters). */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return latin1(bytes);
  }
}

/** Bytes as a one-byte string: far faster to scan than TextDecoder's output for the ASCII formats. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
