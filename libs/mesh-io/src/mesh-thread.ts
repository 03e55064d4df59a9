import { parentPort, workerData } from 'node:worker_threads';
import { AssayError } from '@assay/contracts';
import type { MeshAsset } from './mesh-asset.js';
import { parseMesh } from './parse-mesh.js';
import type { ThreadInput, ThreadOutput } from './thread-messages.js';

/** Every typed array's buffer, once each, so the asset moves to the caller's thread without a copy. */
function buffersOf(asset: MeshAsset): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (array: Uint8Array | Float32Array | Uint32Array | undefined) => {
    if (array && array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  };
  for (const p of asset.primitives) [p.positions, p.indices, p.normals, p.uvs, p.colors].forEach(add);
  for (const t of asset.textures) add(t.bytes);
  return [...buffers];
}

/** A texture viewing part of a larger buffer (the GLB, the zip) gets its own, so transferring it moves only its bytes. */
function ownTextureBuffers(asset: MeshAsset): MeshAsset {
  for (const t of asset.textures) if (t.bytes.byteLength !== t.bytes.buffer.byteLength) t.bytes = t.bytes.slice();
  return asset;
}

const input = workerData as ThreadInput;
const answer = (out: ThreadOutput, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(out, transfer);
parseMesh(input.bytes, input.options)
  .then(ownTextureBuffers)
  .then(
    (asset) => answer({ ok: true, asset }, buffersOf(asset)),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      answer({ ok: false, error: { message: e.message, stack: e.stack, ...(e instanceof AssayError ? { code: e.code } : {}) } });
    },
  );
