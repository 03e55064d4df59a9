import { AssayError, ErrorCode } from '@assay/contracts';
import { openBundle } from './bundle.js';
import { detectMeshFormat } from './detect-format.js';
import { checkLimit, DEFAULT_MESH_LIMITS, unreadable, type MeshLimits } from './limits.js';
import type { MeshAsset, MeshFormat } from './mesh-asset.js';
import { readObj } from './obj.js';
import { readPly } from './ply.js';
import type { ReadContext } from './read-context.js';
import { dirname, ResourceResolver } from './resources.js';
import { readStl } from './stl.js';

export interface ReadMeshOptions {
  filename?: string;
  contentType?: string;
  /** metres per unit for OBJ, PLY and STL (glTF is in metres by definition); default 1 */
  unitScale?: number;
  limits?: MeshLimits;
  signal?: AbortSignal;
}

type Reader = (bytes: Uint8Array, ctx: ReadContext) => MeshAsset | Promise<MeshAsset>;

// the glTF stack (validator, gltf-transform) takes most of a second to load: only glTF reads pay for it
const readGltf: Reader = async (bytes, ctx) => (await import('./gltf.js')).readGltf(bytes, ctx);

const READERS: Record<MeshFormat, Reader> = { glb: readGltf, gltf: readGltf, stl: readStl, ply: readPly, obj: readObj };

/**
 * Reads an asset in the calling thread: the size limit, the format, then the format's reader (which checks its
 * header counts before the heavy work). `readMesh` runs this in a worker thread it can terminate.
 */
export async function parseMesh(bytes: Uint8Array, options: Omit<ReadMeshOptions, 'signal'> = {}): Promise<MeshAsset> {
  const limits = options.limits ?? DEFAULT_MESH_LIMITS;
  checkLimit('asset bytes', bytes.length, limits.maxBytes);
  const unitScale = options.unitScale ?? 1;
  if (!(unitScale > 0 && Number.isFinite(unitScale)))
    throw new AssayError(ErrorCode.ValidationFailed, `unitScale must be a positive number of metres per unit, not ${unitScale}`);
  const detected = detectMeshFormat(bytes, options.filename, options.contentType);
  const ctx: ReadContext = {
    name: options.filename ?? `the ${detected} asset`,
    unitScale,
    limits,
    resources: new ResourceResolver(new Map()),
    base: '',
  };
  if (detected !== 'zip') return read(detected, bytes, ctx);
  const bundle = openBundle(bytes, limits.bundle);
  const main = bundle.files.get(bundle.main)!;
  const format = detectMeshFormat(main, bundle.main);
  if (format === 'zip') throw new AssayError(ErrorCode.BundleInvalid, `the bundle's main file ${bundle.main} is itself a .zip`);
  return read(format, main, { ...ctx, name: bundle.main, resources: new ResourceResolver(bundle.files), base: dirname(bundle.main) });
}

/** A reader's own refusals pass through; anything else a malformed file provokes in a parser is mesh_unreadable. */
async function read(format: MeshFormat, bytes: Uint8Array, ctx: ReadContext): Promise<MeshAsset> {
  try {
    return await READERS[format](bytes, ctx);
  } catch (err) {
    if (err instanceof AssayError) throw err;
    throw unreadable(`${ctx.name} could not be read as ${format.toUpperCase()}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
