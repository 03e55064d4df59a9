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
