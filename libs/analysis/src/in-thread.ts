import { Worker } from 'node:worker_threads';
import { AssayError, ErrorCode } from '@assay/contracts';
import type { ThreadInput, ThreadOutput } from './analysis-job.js';

const THREAD = new URL('./thread.js', import.meta.url);

/**
 * Runs an analysis job in a fresh worker thread and resolves with its value; the job's AssayError is
 * rethrown with its code. Aborting `signal` terminates the thread (a closing aggregator does not wait for
 * statistics it would recompute anyway).
 */
export function runInThread<T>(input: ThreadInput, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(THREAD, { workerData: input });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      void worker.terminate();
      settle(() => reject(new Error(`analysis aborted: ${String(signal?.reason ?? 'signal')}`)));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (out: ThreadOutput) => {
      settle(() => {
        if (out.ok) return resolve(out.value as T);
        const err = out.error.code ? new AssayError(out.error.code as ErrorCode, out.error.message) : new Error(out.error.message);
        if (out.error.stack) err.stack = out.error.stack;
        reject(err);
      });
      void worker.terminate();
    });
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) =>
      settle(() => reject(new AssayError(ErrorCode.Internal, `the analysis thread exited (code ${code}) without an answer`))),
    );
  });
}
