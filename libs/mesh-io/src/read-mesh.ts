import { Worker } from 'node:worker_threads';
import { AssayError, ErrorCode } from '@assay/contracts';
import { detectMeshFormat } from './detect-format.js';
import { checkLimit, DEFAULT_MESH_LIMITS } from './limits.js';
import type { MeshAsset } from './mesh-asset.js';
import type { ReadMeshOptions } from './parse-mesh.js';
import type { ThreadInput, ThreadOutput } from './thread-messages.js';

const THREAD = new URL('./mesh-thread.js', import.meta.url);

/**
 * Reads an asset in a fresh worker thread, so a hostile or huge file cannot hold the caller's event loop. The
 * thread is terminated after `limits.parseTimeoutMs` (mesh_parse_timeout) or when `signal` aborts, and the
 * promise settles only once it is gone. The cheap checks (size, format) answer before a thread starts.
 */
export async function readMesh(bytes: Uint8Array, options: ReadMeshOptions = {}): Promise<MeshAsset> {
  const { signal, ...rest } = options;
  const limits = rest.limits ?? DEFAULT_MESH_LIMITS;
  checkLimit('asset bytes', bytes.length, limits.maxBytes);
  detectMeshFormat(bytes, rest.filename, rest.contentType);
  signal?.throwIfAborted();
  const input: ThreadInput = { bytes, options: rest };
  // workerData is cloned: the caller keeps its bytes
  const worker = new Worker(THREAD, { workerData: input });
  return new Promise<MeshAsset>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void, terminate: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (terminate) void worker.terminate().then(outcome, outcome);
      else outcome();
    };
    const onAbort = () => finish(() => reject(signal!.reason instanceof Error ? signal!.reason : new Error('mesh reading aborted')), true);
    const timer = setTimeout(
      () =>
        finish(
          () =>
            reject(
              new AssayError(
                ErrorCode.MeshParseTimeout,
                `reading the 3D asset took longer than ${limits.parseTimeoutMs} ms and was stopped: simplify it or split it`,
              ),
            ),
          true,
        ),
      limits.parseTimeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (out: ThreadOutput) =>
      finish(() => {
        if (out.ok) return resolve(out.asset);
        const err = out.error.code ? new AssayError(out.error.code as ErrorCode, out.error.message) : new Error(out.error.message);
        if (out.error.stack) err.stack = out.error.stack;
        reject(err);
      }, true),
    );
    worker.once('error', (err) => finish(() => reject(err), true));
    worker.once('exit', (code) =>
      finish(() => reject(new AssayError(ErrorCode.Internal, `the mesh reading thread exited (code ${code}) without an answer`)), false),
    );
  });
}
